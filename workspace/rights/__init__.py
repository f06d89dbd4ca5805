"""Data rights and the data lifecycle: export, erasure, leaving a pair, retention and purge."""
