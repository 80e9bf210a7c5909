"""Start of a session: login, first-run setup, database settings, password change."""
