"""Pages for everyone: home, language switch, privacy notice and accessibility statement."""
