"""Members' activity and attrition: invitations and answers per member, response rates,
joining cohorts' retention, and the inactivity cycle (issue 26 point 2)."""
