"""Consent to share status signals with the organiser, and the signals computed from it."""
