"""Tables of the tasks domain, declared on the serving database's `Base`."""
