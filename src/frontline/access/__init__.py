"""The access policy: the one decision point every read of personal data passes.

    decision = decide(connection, principal, TaskPurpose(facts), subject, now=now)  # policy
    record = read_subject(connection, principal, purpose, subject, now=now)        # reading
    record = counter_lookup(connection, clerk, id_number, "counter_service", now=now)

Modules: `purposes` (task, counter, break-glass; subjects), `refusals` (reason codes and their
messages), `policy` (`decide`, and `judge`, the pure decision), `masking`, `reading` (the
minimised, masked, audited read), `break_glass` (grants and their review), `citizen_report`,
`chain_status` (the audit chain for auditors), `models`. Nothing is imported here: the
scenarios package imports `masking`, and the policy imports the scenarios.
"""
