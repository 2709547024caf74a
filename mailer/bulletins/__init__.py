"""Bulletins: compose, target, schedule and send the panel's regular email, once per person."""
