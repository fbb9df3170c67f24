"""The access policy: the one decision point every read of personal data passes."""
