"""A survey's own wording of its invitation, reminder and results emails (issue 20, point 2)."""
