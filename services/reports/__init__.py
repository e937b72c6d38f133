"""Anonymous reports of guideline breaches: taking them in, and the staff inbox."""
