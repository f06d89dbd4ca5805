"""The programme's words, explained in every language (the glossary page, `/words`)."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l


class Word(NamedTuple):
    """One term and what it means here."""

    anchor: str
    term: Any
    meaning: Any


WORDS = (
    Word(
        "mentor",
        _l("Mentor"),
        _l(
            "An experienced professional who gives their time to support another person's "
            "career. The mentor listens, asks and shares experience; they do not decide for you."
        ),
    ),
    Word(
        "mentee",
        _l("Mentee (in Finnish: aktori)"),
        _l(
            "The person who is mentored: they bring their own questions and goals and lead the "
            "work. Finnish programmes often say “aktori”, because the mentee is the active one."
        ),
    ),
    Word(
        "pair",
        _l("Pair"),
        _l(
            "One mentor and one mentee working together for the length of the programme. Only "
            "the two of them can read their pair's notebook."
        ),
    ),
    Word(
        "notebook",
        _l("Notebook"),
        _l(
            "The pair's shared place in Pairbook for the agreement, goals, meeting notes and "
            "evaluations. It is encrypted on your devices: not even the organiser can read it."
        ),
    ),
    Word(
        "agreement",
        _l("Agreement"),
        _l(
            "What the pair agrees at the start: how often and where you meet, how you keep in "
            "touch and what stays between you. Both confirm it, and it can be changed together."
        ),
    ),
    Word(
        "goals",
        _l("Goals"),
        _l(
            "What the mentee wants to reach during the mentoring, for example a new job or a "
            "clearer plan. You can follow and update them along the way."
        ),
    ),
    Word(
        "meeting",
        _l("Meeting"),
        _l(
            "A time the pair meets, face to face or online. You can write down what you talked "
            "about and what each of you does before the next meeting."
        ),
    ),
    Word(
        "closing-evaluation",
        _l("Closing evaluation"),
        _l(
            "At the end, each of you looks back: what went well, what you learned and what comes "
            "next. You can share a summary with the organiser if you both want to."
        ),
    ),
    Word(
        "safety-number",
        _l("Safety number"),
        _l(
            "A number you compare with your partner, for example on the phone, to be sure that "
            "you are writing to the right person and nobody else can read along."
        ),
    ),
    Word(
        "recovery-code",
        _l("Recovery code"),
        _l(
            "A long code you get when you make your account. Keep it safe: it lets you back in "
            "if you forget your passphrase, without losing your notebook."
        ),
    ),
    Word(
        "organiser",
        _l("Organiser"),
        _l(
            "The person who runs the programme: forms the pairs, arranges events and helps when "
            "something goes wrong. The organiser cannot read your notebook."
        ),
    ),
    Word(
        "report",
        _l("Report to the organiser"),
        _l(
            "A message to the organiser when something worries you in your pair. It is "
            "encrypted so that only the organisers can read it."
        ),
    ),
)
