"""Problem reports (flags): a member tells the organisers; sealed messages both ways."""
