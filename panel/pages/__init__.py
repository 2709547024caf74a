"""Public pages: home, privacy notice, accessibility and cookie statements, health check."""
