"""Shared test support that is not a fixture: the browser wrapper and its page helpers."""
