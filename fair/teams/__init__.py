"""Teams: the owners and members of each organisation, colleagues invited by email, join requests."""
