"""The audit log (审计日志): append-only, hash-chained, with signed checkpoints; knows nothing of
HTTP."""
