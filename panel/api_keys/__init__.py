"""API keys for partner organisations: scopes, a place, an expiry; stored only as a hash."""
