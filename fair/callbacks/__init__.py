"""Call-back requests at a booth, for people who cannot use video or chat."""
