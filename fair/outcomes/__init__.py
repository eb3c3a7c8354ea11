"""What happened after the fair: hires with their contract, outcomes recorded by advisers,
pre-hiring training cohorts, and the follow-up of people at 1, 3 and 6 months."""
