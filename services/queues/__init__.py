"""Queued work, low down: the one claim helper and the look-up queue forms write to."""
