"""Tables of the areas domain, declared on the serving database's `Base`."""
