"""Personal data: canonical addresses, masking, opt-outs, and retention."""
