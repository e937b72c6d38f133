"""Staff users: accounts and roles, sign-in with two factors or SSO, sessions, the audit trail."""
