"""The organiser's follow-up pages: dashboard, flags, contact reveal, report, audit log."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from workspace.accounts import sessions as auth
from workspace.core import audit, clock, csvout, fragments
from workspace.core.db import get_db, transaction
from workspace.core.forms import EmptyForm
from workspace.core.jsonapi import not_found
from workspace.flags import queries as flags
from workspace.notebook.phase import PHASES
from workspace.organiser import charts, queries, report
from workspace.organiser.access import my_flag, my_pair, my_programme
from workspace.sharing import signals

bp = Blueprint("followup", __name__, url_prefix="/organiser/programmes/<programme_id>")


class RevealForm(FlaskForm):
    """Why the organiser needs a pair's contact details."""

    reason = TextAreaField(
        _l("Why do you need their contact details?"),
        validators=[DataRequired(), Length(min=5, max=500)],
    )


class StatusForm(FlaskForm):
    """A flag's status."""

    status = SelectField(
        _l("Status"), choices=[SelectChoice(k, v) for k, v in flags.STATUSES.items()]
    )


def _dashboard_rows(programme_id: str) -> list[dict[str, Any]]:
    conn = get_db()
    rows = []
    for pair in queries.pairs_in(conn, programme_id, by_code=True):
        open_flags = flags.open_count(conn, pair["id"])
        rows.append(
            {"pair": pair, "signals": signals.visible(conn, pair["id"]), "open_flags": open_flags}
        )
    return rows


def _needs_attention(row: dict[str, Any], weeks: int) -> bool:
    """An open flag, no shared activity, or more than ``weeks`` whole weeks since the week of
    the last activity. Only the week is compared, the precision the members consented to."""
    if row["open_flags"]:
        return True
    activity = row["signals"]["activity"]
    if activity is None or activity["week"] is None:
        return True
    this_week = signals.week_start(signals.iso_week(clock.now()))
    return (this_week - signals.week_start(activity["week"])).days // 7 > weeks


@bp.get("/dashboard")
@auth.organiser_required
def dashboard(programme_id: str) -> Response:
    """Pairs by code with shared signals and open flags; filters; charts with tables. The
    filters ask htmx for the pair rows alone."""
    programme = my_programme(programme_id)
    rows = _dashboard_rows(programme_id)
    phase = request.args.get("phase", "")
    attention = request.args.get("attention") == "1"
    weeks = request.args.get("weeks", "4")
    weeks_n = int(weeks) if weeks.isdigit() and 1 <= int(weeks) <= 52 else 4
    shown = [
        r
        for r in rows
        if (not phase or (r["signals"]["phase"] == phase))
        and (not attention or _needs_attention(r, weeks_n))
    ]
    by_phase = [
        (str(report.PHASE_LABELS[p]), sum(r["signals"]["phase"] == p for r in rows)) for p in PHASES
    ]
    by_phase.append(
        (str(report.PHASE_LABELS["not_shared"]), sum(r["signals"]["phase"] is None for r in rows))
    )
    months: dict[str, int] = {}
    for r in rows:
        if r["signals"]["meetings"]:
            for month, n in r["signals"]["meetings"]["by_month"].items():
                months[month] = months.get(month, 0) + n
    by_month = sorted(months.items())[-12:]
    return fragments.page(
        "organiser/progress.html",
        "organiser/_progress_rows.html",
        programme=programme,
        rows=shown,
        total=len(rows),
        phase=phase,
        attention=attention,
        weeks=weeks_n,
        phases=PHASES,
        phase_labels=report.PHASE_LABELS,
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
        "organiser/report.html", programme=programme, report=data, button_form=EmptyForm()
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
