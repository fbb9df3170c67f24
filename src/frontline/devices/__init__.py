"""Device management (移动终端管理): enrolment, proof of possession, check-in, task data
packages with their deletion receipts, lock, wipe and revoke, and the inventory of which
subjects' data is on which device now. See docs/devices.md."""
