"""The insight library: what we heard from surveys, events and partner reports, searchable."""
