"""Files built by a job (reports, lists) with their progress, kept 24 hours for the person who asked."""
