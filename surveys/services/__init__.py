"""Survey services: authoring, checking against the guidance, review and publishing."""
