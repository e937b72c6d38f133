"""Personal data, at the bottom: canonical addresses and keyed hashes, masking, names."""
