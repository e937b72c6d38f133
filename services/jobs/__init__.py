"""At the top, what runs everything: the registry, the worker pass, the schedules, the purge."""
