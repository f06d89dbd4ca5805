"""Pages for everyone: home, the language switch, signing out, the privacy notice and the
accessibility statement."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, TextAreaField
from wtforms.validators import Email, Optional

from workspace.accounts import queries as accounts
from workspace.accounts import sessions as auth
from workspace.core import mail
from workspace.core.db import get_db, transaction
from workspace.core.forms import at_most, required
from workspace.core.i18n import normalise, remember_language
from workspace.core.redirects import safe_next
from workspace.organiser import programmes
from workspace.public import glossary as glossary_words

bp = Blueprint("public", __name__)


class FeedbackForm(FlaskForm):
    """Accessibility feedback."""

    message = TextAreaField(
        _l("What did not work for you?"), validators=[required(), at_most(4000)]
    )
    email = EmailField(
        _l("Your email, if you want an answer (optional)"),
        validators=[Optional(), Email(message=_l("Write a whole email address.")), at_most(254)],
    )


def _my_programmes() -> list[Any]:
    user = auth.current_user()
    return [] if user is None else programmes.of_person(get_db(), user["id"])


@bp.get("/privacy")
def privacy() -> str:
    """The privacy notice (GDPR Art. 13), with the signed-in user's programme details."""
    return render_template("public/privacy.html", programmes=_my_programmes())


@bp.get("/words")
def glossary() -> str:
    """The programme's words (mentor, mentee/aktori, agreement, safety number…) explained."""
    return render_template("public/glossary.html", words=glossary_words.WORDS)


@bp.route("/accessibility", methods=["GET", "POST"])
def accessibility() -> str | Response:
    """The accessibility statement and its feedback channel."""
    form = FeedbackForm()
    if form.validate_on_submit():
        conn = get_db()
        reply_to = form.email.data or _("(no email given)")
        with transaction(conn):
            mail.enqueue(
                conn,
                current_app.config["ACCESSIBILITY_EMAIL"],
                "Pairbook accessibility feedback",
                f"{form.message.data}\n\nReply to: {reply_to}\nPage language: "
                f"{request.accept_languages.best or '-'}",
            )
        flash(_("Thank you. Your feedback was sent."))
        return redirect(url_for(".accessibility") + "#feedback", code=303)
    status = 400 if request.method == "POST" else 200
    return render_template("public/accessibility.html", form=form), status  # type: ignore[return-value]


@bp.get("/")
def index() -> str:
    """The home page: what Pairbook is and where to sign in."""
    return render_template("public/index.html")


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen language in a cookie and return to the page the user was on."""
    lang = normalise(request.form.get("lang", ""))
    response = redirect(safe_next(request.form.get("next")) or "/", code=303)
    if lang:
        remember_language(response, lang)
        user = auth.current_user()
        if user is not None:
            conn = get_db()
            with transaction(conn):
                accounts.set_language(conn, user["id"], lang)
    return response


@bp.post("/logout")
def logout() -> Response:
    """End the session on the server; the page we land on wipes the browser's key store."""
    auth.sign_out()
    return redirect("/?signed_out=1", code=303)
