"""Plain service functions of the panel-member domain (no Flask request objects)."""
