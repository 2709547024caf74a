"""Email: the one queue every message goes through, rendering, backends, outbox and bulletins."""
