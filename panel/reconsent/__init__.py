"""Re-consent: asking members to confirm when consent wording changes or consent grows old."""
