"""Recruitment needs: a company or a group of employers posts a need to a network; member structures propose people; the company answers each proposal once."""
