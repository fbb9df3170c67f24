"""Staff: departments, accounts with roles and an area scope, passwords and sign-in sessions.

    with write_transaction(engine) as connection:             # accounts join the caller's
        create_department(connection, code="civil_affairs", name="民政局")
        staff_id = create_staff(connection, username="wang.fang", display_name="王芳",
                                department="civil_affairs", roles=[Role.WORKER],
                                area="330106001001001", password=password)
    with engine.connect() as connection:                      # sign-in commits its own
        pair = sign_in(connection, "wang.fang", password, client=address, now=now,
                       settings=SessionSettings())
    principal = authenticate(connection, pair.access_token, now=now)   # every request

Modules: `roles`, `principal` (who is asking), `models` (tables), `passwords` (argon2id and
the policy), `tokens`, `attempts` (rate limits and lock-out), `sessions`, `accounts`,
`roster` (the deployment's staff.yaml).
"""
