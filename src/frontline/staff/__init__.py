"""Staff: departments, accounts with roles and an area scope, passwords and sign-in sessions."""
