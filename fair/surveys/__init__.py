"""Satisfaction surveys after a fair, answered in one tap from the mail."""
