"""Bulletin services: compose, audience, schedule, send and contributions."""
