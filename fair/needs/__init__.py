"""Recruitment needs posted to a network.

A company or a group of employers posts a need; member structures propose people; the company
answers each proposal once.
"""
