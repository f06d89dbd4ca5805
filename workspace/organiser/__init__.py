"""The organiser's side: programmes, pairs and invitations, the follow-up dashboard, flags, the
funder report, the audit log, ending pairs and removing members, privacy settings."""
