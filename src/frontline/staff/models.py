"""Tables of the staff domain, declared on the serving database's `Base`."""
