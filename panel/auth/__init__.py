"""Staff accounts, roles, two-factor sign-in and place scoping."""
