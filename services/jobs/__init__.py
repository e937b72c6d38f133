"""Background work: the look-up queue, the job registry, the schedules and the worker pass."""
