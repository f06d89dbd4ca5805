"""Account pages: joining, signing in, recovery, reset and the account page.

The pages are shells: the secrets are handled by JavaScript on the device, which talks to the
JSON API (docs/API.md). Every input that holds a secret has no `name`, so a page without
JavaScript can never send one.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from workspace.accounts import queries as accounts
from workspace.accounts import sessions as auth
from workspace.core.db import get_db, transaction
from workspace.core.forms import SelectField
from workspace.core.i18n import LANGUAGES, invitation_locale, normalise, remember_language
from workspace.core.redirects import safe_next

bp = Blueprint("accounts", __name__)


class LanguageForm(FlaskForm):
    """The person's interface language, which their mail follows too."""

    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGES.items()],
        validators=[InputRequired(message=_l("Choose a language."))],
    )


@bp.get("/join/<token>")
def join(token: str) -> str:
    """Accept an invitation: choose a name and a passphrase; keys are made on the device. The
    page is in the invited programme's language if the browser reads it, unless the person
    chose one."""
    invitation = accounts.open_invitation(get_db(), token)
    if invitation is None or not invitation["language"]:
        return render_template("accounts/join.html", token=token)
    language = invitation_locale(invitation["language"])
    with force_locale(language):
        return render_template("accounts/join.html", token=token, current_language=language)


@bp.get("/login")
def login() -> str | Response:
    """Sign in (the passphrase never leaves the device)."""
    user = auth.current_user()
    next_path = safe_next(request.args.get("next")) or ""
    if user is not None and not request.args.get("unlock"):
        return redirect(next_path or _home(user["role"]))
    return render_template("accounts/login.html", next_path=next_path)


def _home(role: str) -> str:
    return url_for("organiser.dashboard") if role == "organiser" else url_for("pairs.pairs")


@bp.get("/forgot")
def forgot() -> str:
    """Lost passphrase: use the recovery code, or start over with a new key."""
    return render_template("accounts/forgot.html")


@bp.get("/recover")
def recover() -> str:
    """Set a new passphrase with the recovery code; nothing is lost."""
    return render_template("accounts/recover.html")


@bp.get("/reset/<token>")
def reset(token: str) -> str:
    """Start over with a new key (from the emailed link)."""
    return render_template("accounts/reset.html", token=token)


@bp.get("/account")
@auth.login_required
def account() -> str:
    """Change the passphrase, make a new recovery code (with a reminder if the member never said
    they saved theirs); links to data rights."""
    user = auth.current_user()
    material = accounts.key_material(get_db(), user["id"])
    form = LanguageForm(data={"language": normalise(user["language"]) or "fi"})
    return render_template(
        "accounts/account.html",
        recovery_saved=accounts.recovery_saved(material),
        language_form=form,
    )


@bp.post("/account/language")
@auth.login_required
def account_language() -> Response:
    """Choose the interface language on the account: every device and every mail follows it."""
    form = LanguageForm()
    response = redirect(url_for(".account") + "#language-heading", code=303)
    if not form.validate():
        flash(_("Choose a language."))
        return response
    conn = get_db()
    with transaction(conn):
        accounts.set_language(conn, auth.current_user()["id"], form.language.data)
    remember_language(response, form.language.data)
    flash(_("Your language was saved. Your email from Pairbook comes in it too."))
    return response
