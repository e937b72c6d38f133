"""A request's life: screening, invitations, reviews, status, and the one state machine."""
