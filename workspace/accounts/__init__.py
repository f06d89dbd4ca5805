"""Accounts: users, invitations, key material, sessions; sign-up, sign-in, recovery, passphrase
change and reset."""
