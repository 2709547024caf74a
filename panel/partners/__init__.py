"""Partner organisations (for example Healthwatch Blackpool) and their people's accounts."""
