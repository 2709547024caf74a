"""Surveys: planning, building, guidance checks, sign-off, answering and results."""
