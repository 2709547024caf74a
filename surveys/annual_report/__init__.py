"""The annual report's section on the duty to involve the public (NHS Act 2006 s.14Z58)."""
