"""Tables of the scenarios domain, declared on the serving database's `Base`."""
