"""Duplicate members: the detector's list, proposals, merges and their undo."""
