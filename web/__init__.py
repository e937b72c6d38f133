"""HTTP plumbing that is not a page: request guard, headers, caching, request logs, rate limits, the staff session."""
