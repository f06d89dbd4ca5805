"""Accounts: users, invitations, key material, sessions; sign-up, sign-in, recovery, passphrase
change and reset."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.accounts import api, pages

    return [pages.bp, api.bp]
