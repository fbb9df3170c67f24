"""Tables of the audit domain, declared on the serving database's `Base`."""
