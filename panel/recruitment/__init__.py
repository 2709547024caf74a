"""The recruitment plan (issue 26): how representative each place is, who each place still needs
to reach its share of the panel's target, sign-ups over time and a forecast, and briefs."""
