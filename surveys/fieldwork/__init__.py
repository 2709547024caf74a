"""Fieldwork: invitations, open links, people answering, and what staff see while it runs."""
