"""Health checks of an edition before the fair: what will be empty, who is invited to nothing."""
