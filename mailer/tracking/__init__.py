"""Open and click tracking for bulletins (only for recipients who consented), and the stats."""
