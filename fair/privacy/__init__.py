"""Personal data from start to end: consent records, a person's export, erasure and retention."""
