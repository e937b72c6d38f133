"""Email: the messages we send, recorded in the outbox and delivered after the commit."""
