"""The pair notebook: sealed entries, signed confirmations and the phase."""
