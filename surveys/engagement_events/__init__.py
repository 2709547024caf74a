"""Engagement events: focus groups, workshops and roadshows, their invitations and places."""
