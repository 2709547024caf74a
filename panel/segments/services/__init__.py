"""Service functions for segments, contact rules, representativeness and fair selection."""
