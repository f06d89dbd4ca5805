"""The organiser's follow-up pages: dashboard, flags, contact reveal, report, audit log."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice

from workspace.accounts import sessions as auth
from workspace.core import audit, clock, csvout, fragments
from workspace.core.db import get_db, transaction
from workspace.core.forms import EmptyForm, SelectField, length_between, required
from workspace.core.jsonapi import not_found
from workspace.flags import queries as flags
from workspace.notebook.phase import PHASES
from workspace.organiser import charts, queries, report, report_small
from workspace.organiser.access import my_flag, my_pair, my_programme
from workspace.sharing import summary

bp = Blueprint("followup", __name__, url_prefix="/organiser/programmes/<programme_id>")


class RevealForm(FlaskForm):
    """Why the organiser needs a pair's contact details."""

    reason = TextAreaField(
        _l("Why do you need their contact details?"),
        validators=[required(), length_between(5, 500)],
    )


class StatusForm(FlaskForm):
    """A flag's status."""

    status = SelectField(
        _l("Status"), choices=[SelectChoice(k, v) for k, v in flags.STATUSES.items()]
    )


PAGE_SIZE = 50


def _row_phrases() -> dict[str, Markup]:
    """The two phrases each row of the pair table fills in, translated once per page; the
    template fills them with `%`, which escapes the values as Jinja's own gettext does."""
    return {
        "confirmed": escape(_("confirmed %(date)s")),
        "evaluations": escape(_("%(done)s of 2 done")),
    }


def _month(month: str) -> str:
    """ "2026-11" in the reader's language ("Nov 2026", "marrask. 2026")."""
    return format_date(date.fromisoformat(month + "-01"), "LLL y")


def _whole_number(value: str, low: int, high: int, default: int) -> int:
    return int(value) if value.isdigit() and low <= int(value) <= high else default


@bp.get("/dashboard")
@auth.organiser_required
def dashboard(programme_id: str) -> Response:
    """Pairs with shared signals and open flags, filtered, sorted and a page at a time; charts
    with tables. The filters, the column headings and the page links ask htmx for the pair
    rows alone, and work as plain links and forms without it."""
    programme = my_programme(programme_id)
    conn = get_db()
    phase = request.args.get("phase", "")
    phase = phase if phase in PHASES else ""
    attention = request.args.get("attention") == "1"
    weeks_n = _whole_number(request.args.get("weeks", "4"), 1, 52, 4)
    sort = request.args.get("sort", "code")
    sort = sort if sort in summary.ORDERS else "code"
    descending = request.args.get("dir") == "desc"
    attention_weeks = weeks_n if attention else None
    matching = summary.matching(conn, programme_id, phase, attention_weeks)
    pages = max(1, -(-matching // PAGE_SIZE))
    page_n = _whole_number(request.args.get("page", "1"), 1, pages, 1)
    first = (page_n - 1) * PAGE_SIZE
    shown = summary.page(
        conn,
        programme_id,
        phase=phase,
        attention_weeks=attention_weeks,
        sort=sort,
        descending=descending,
        offset=first,
        limit=PAGE_SIZE,
    )
    phases_now = summary.phase_counts(conn, programme_id)
    by_phase = [(str(report.PHASE_LABELS[p]), phases_now.get(p, 0)) for p in PHASES]
    by_phase.append((str(report.PHASE_LABELS["not_shared"]), phases_now.get(None, 0)))
    months = summary.months(conn, programme_id)
    by_month = [(_month(m), n) for m, n in sorted(months.items())[-12:]]
    query = {"phase": phase, "attention": "1" if attention else "", "weeks": weeks_n}
    return fragments.page(
        "organiser/progress.html",
        "organiser/_progress_rows.html",
        programme=programme,
        rows=shown,
        matching=matching,
        first=first + 1,
        last=first + len(shown),
        page=page_n,
        pages=pages,
        sort=sort,
        descending=descending,
        query={k: v for k, v in query.items() if v},
        total=sum(phases_now.values()),
        phase=phase,
        attention=attention,
        weeks=weeks_n,
        phases=PHASES,
        # Translated once for the page, not once per row.
        phase_labels={k: str(v) for k, v in report.PHASE_LABELS.items()},
        phrases=_row_phrases(),
        by_phase=by_phase,
        by_month=by_month,
        phase_chart=charts.bar_chart(_("Pairs by phase"), by_phase),
        month_chart=charts.bar_chart(_("Meetings per month"), by_month) if by_month else None,
        reveal_form=RevealForm(),
    )


@bp.route("/pairs/<pair_id>/contact", methods=["GET", "POST"])
@auth.organiser_required
def reveal_contact(programme_id: str, pair_id: str) -> str | tuple[str, int]:
    """Show a pair's names and emails only after a reason is given; the reveal is audited."""
    pair, programme = my_pair(pair_id, programme_id)
    form = RevealForm()
    if request.method == "POST" and form.validate_on_submit():
        conn = get_db()
        with transaction(conn):
            audit.record(
                conn,
                programme_id,
                auth.current_user()["id"],
                "contact.revealed",
                pair["code"],
                form.reason.data.strip(),
            )
        people = queries.contacts(conn, pair_id)
        return render_template(
            "organiser/contact.html", programme=programme, pair=pair, people=people
        )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "organiser/reveal.html", programme=programme, pair=pair, form=form
    ), status


def _flag_item(row: Any) -> dict[str, Any]:
    """What the flags page shows of one flag besides its sealed messages."""
    return {
        "flag": row,
        "age_days": (clock.now() - clock.parse(row["created_at"])).days,
        "form": StatusForm(formdata=None, status=row["status"], prefix=row["id"]),
    }


@bp.get("/flags")
@auth.organiser_required
def flag_list(programme_id: str) -> str:
    """Flags, new first, with their age; messages are opened in the browser."""
    programme = my_programme(programme_id)
    rows = flags.in_programme(get_db(), programme_id)
    items = [_flag_item(r) for r in rows]
    return render_template(
        "organiser/flags.html",
        programme=programme,
        items=items,
        categories=flags.CATEGORIES,
        statuses=flags.STATUSES,
    )


@bp.post("/flags/<flag_id>/status")
@auth.organiser_required
def flag_status(programme_id: str, flag_id: str) -> Response:
    """Set a flag's status from the list: htmx gets the flag's status part again, a plain post
    (without JavaScript) the list."""
    row = my_flag(flag_id, programme_id)
    form = StatusForm(prefix=flag_id)
    if not form.validate_on_submit():
        not_found()
    conn = get_db()
    flags.change_status(conn, row, form.status.data, auth.current_user()["id"])
    item = _flag_item(flags.with_code(conn, flag_id))
    return fragments.after_post(
        "organiser/_flag_state.html",
        url_for(".flag_list", programme_id=programme_id) + f"#flag-{flag_id}",
        _("The status was saved."),
        programme=my_programme(programme_id),
        item=item,
        f=item["flag"],
        statuses=flags.STATUSES,
    )


@bp.get("/report")
@auth.organiser_required
def report_page(programme_id: str) -> str:
    """The funder report (no filters, small numbers suppressed)."""
    programme = my_programme(programme_id)
    data = report.programme_report(get_db(), programme_id)
    return render_template(
        "organiser/report.html",
        programme=programme,
        report=data,
        button_form=EmptyForm(),
        small=report_small.summary(get_db(), programme_id, data),
        small_headings=report_small.HEADINGS,
    )


@bp.get("/report.csv")
@auth.organiser_required
def report_csv(programme_id: str) -> Response:
    """The same report as CSV; exporting it is audited."""
    programme = my_programme(programme_id)
    conn = get_db()
    data = report.programme_report(conn, programme_id)
    out = io.StringIO()
    writer = csvout.SafeWriter(out)
    writer.writerow([_("Programme"), programme["name"]])
    writer.writerow([_("Pairs"), report.suppress([], data["pairs"])[1]])
    for table in data["tables"]:
        writer.writerow([])
        writer.writerow([str(table.title), _("Count")])
        for label, cell in table.rows:
            writer.writerow([str(label), cell])
        writer.writerow([_("Total"), table.total])
    if data["completion_percent"] is not None:
        writer.writerow([])
        writer.writerow(
            [_("Completed (percentage of pairs sharing their phase)"), data["completion_percent"]]
        )
    for heading, found in report_small.summary(conn, programme_id, data).items():
        writer.writerow([])
        writer.writerow([str(report_small.HEADINGS[heading])])
        for fact in found:
            writer.writerow([fact.label, fact.value])
    with transaction(conn):
        audit.record(conn, programme_id, auth.current_user()["id"], "report.exported", "csv")
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="pairbook-report.csv"'},
    )


@bp.get("/audit")
@auth.organiser_required
def audit_log(programme_id: str) -> str:
    """What the programme's organisers have done."""
    programme = my_programme(programme_id)
    return render_template(
        "organiser/audit.html",
        programme=programme,
        entries=audit.entries(get_db(), programme_id),
        audit_labels=audit.LABELS,
    )
