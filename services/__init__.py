"""Business rules: plain Python that takes a session and returns results."""
