"""Scenarios (服务事项): versioned declarations of a purpose, its fields and their masking, the
roles that may use it, area scoping, on-device retention and its forms."""
