"""Segments of the panel, contact fatigue rules, representativeness and fair selection."""
