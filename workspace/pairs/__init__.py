"""Pairs: members, pairing up, notebook key shares, pins and safety numbers."""
