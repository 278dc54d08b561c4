"""Saved donor segments: rule trees compiled to a single SQL query (see rules.py)."""
