"""Staff users: accounts, and signing in with throttled failures."""
