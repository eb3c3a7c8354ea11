"""A company's pipeline: every person its recruiters met, with a rating, a next step and shared notes."""
