"""The audit log: who read, changed, exported or sent what, and when."""
