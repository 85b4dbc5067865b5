"""The prescriber's summary as a printable page (HTML that Qt turns into PDF).

Built only from the session summary dictionary, so it holds exactly what the JSON holds:
never process notes. Plain, light and tabular: a clinical form, not a data dump.
"""

from __future__ import annotations

import html
from typing import Any

from kapdesk.domain.timeutil import local, parse_instant
from kapdesk.domain.vitals import CHECKPOINT_LABELS, SHORT
from kapdesk.domain.vocabulary import NOTE_KINDS, RATING_SCALES

STYLE = """
<style>
 body { font-family: 'DejaVu Sans'; font-size: 9pt; color: #1d2329; }
 h1 { font-size: 14pt; margin: 0 0 2pt 0; }
 h2 { font-size: 10.5pt; margin: 9pt 0 3pt 0; color: #2d4a63; }
 .muted { color: #5d6773; }
 .breach { color: #a3321f; font-weight: bold; }
 .ok { color: #2f6b43; }
 .warn { color: #8a6212; font-weight: bold; }
 td, th { padding: 3pt 5pt; vertical-align: top; }
 th { background-color: #e8edf2; text-align: left; font-weight: bold; }
</style>
"""


def e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def hm(instant: str | None) -> str:
    return local(parse_instant(instant)).strftime("%H:%M") if instant else "—"


def day(instant: str | None) -> str:
    return local(parse_instant(instant)).strftime("%A %d %B %Y") if instant else "—"


def bounds_text(bounds: dict[str, dict[str, int | None]]) -> str:
    parts = []
    for measure, bound in bounds.items():
        low, high = bound.get("min"), bound.get("max")
        if low is not None and high is not None:
            parts.append(f"{SHORT[measure]} {low}-{high}")
        elif high is not None:
            parts.append(f"{SHORT[measure]} ≤ {high}")
        elif low is not None:
            parts.append(f"{SHORT[measure]} ≥ {low}")
    return ", ".join(parts) or "none"


def table(headers: list[str], rows: list[list[str]], widths: list[int] | None = None) -> str:
    widths = widths or [0] * len(headers)
    head = "".join(f"<th width='{w}%'>{h}</th>" if w else f"<th>{h}</th>"
                   for h, w in zip(headers, widths, strict=True))
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<table width='100%' border='1' cellspacing='0' cellpadding='3' "
            f"style='border-color:#c9d1da; border-collapse: collapse'><tr>{head}</tr>"
            f"{body}</table>")


def verdict_cell(vital: dict[str, Any]) -> str:
    status = vital["status"]
    if status == "within":
        text = "<span class='ok'>within</span>"
    elif status == "breach":
        details = "; ".join(
            f"{SHORT[b['measure']]} {b['value']} {'>' if b['bound'] == 'max' else '<'} "
            f"{b['limit']}" for b in vital["breaches"])
        text = f"<span class='breach'>BREACH: {e(details)}</span>"
    elif status == "incomplete":
        text = f"<span class='warn'>incomplete: missing {e(', '.join(vital['missing']))}</span>"
    else:
        text = "not judged"
    if vital.get("correction_reason"):
        text += f"<br><span class='muted'>corrected: {e(vital['correction_reason'])}</span>"
    return text


def _protocol_text(protocol: dict[str, Any] | None) -> str:
    if not protocol:
        return "—"
    which = "built in" if protocol["built_in"] else f"version {protocol['version']}"
    return f"{e(protocol['name'])} ({which}; route {e(protocol['route'])})"


def session_summary_html(summary: dict[str, Any]) -> str:
    s, client, prescriber = summary["session"], summary["client"], summary["prescriber"]
    practice, order, thresholds = summary["practice"], summary["order"], summary["thresholds"]
    discharge = summary["discharge"]
    number = (f"{s['number_in_course']} of {s['planned_sessions']}"
              if s["number_in_course"] and s["planned_sessions"] else s["number_in_course"] or "")
    facts = [
        ("Client", e(client["display_name"])),
        ("Prescriber", e(f"{prescriber['name']}, {prescriber['credentials']}"
                         if prescriber else "not recorded")),
        ("Session", f"Medication session {e(number)}"),
        ("Protocol", _protocol_text(summary.get("protocol"))),
        ("Date", f"{day(s['started_at'])}, {hm(s['started_at'])}–{hm(s['ended_at'])}"),
        ("Dose to ready-to-leave", f"{discharge['minutes_after_last_dose']} min after the last "
                                   "dose" if discharge and discharge["minutes_after_last_dose"]
         is not None else "—"),
        ("Intention", e(s["intention"]) or "—"),
    ]
    parts = [STYLE, f"<h1>Medication session summary</h1><p class='muted'>{e(practice['name'])}"
                    f" · {e(practice['therapist'])}</p>",
             "<table cellpadding='2'>" + "".join(
                 f"<tr><td class='muted'>{k}</td><td><b>{v}</b></td></tr>" for k, v in facts)
             + "</table>"]

    parts.append("<h2>Order and medicine given</h2>")
    if order:
        booster = (f"booster {order['booster_mg']:g} mg allowed" if order["booster_allowed"]
                   else "no booster ordered")
        parts.append(f"<p>Order v{order['version']} of {e(order['ordered_on'])}: "
                     f"{order['dose_mg']:g} mg {e(order['medicine'])}, {e(order['form'])}, "
                     f"{e(order['route'])}; {booster}.</p>")
    parts.append(table(["Time", "Given", "Form and route", "Note"], [
        [hm(d["given_at"]), f"{d['mg']:g} mg" + (" (booster)" if d["booster"] else ""),
         e(f"{d['form']}, {d['route']}"),
         e("; ".join(filter(None, (d["amount_reason"], d["gate_override_reason"]))))]
        for d in summary["doses"]] or [["—", "no dose given", "", ""]]))

    parts.append("<h2>Vital signs against the prescriber's thresholds</h2>")
    if thresholds:
        parts.append(f"<p class='muted'>Thresholds v{thresholds['version']}, set by "
                     f"{e(thresholds['set_by'])} on {e(thresholds['set_on'])}. Pre-dose: "
                     f"{bounds_text(thresholds['pre_dose'])}. Discharge: "
                     f"{bounds_text(thresholds['discharge'])}.</p>")
    rows = []
    for v in summary["vitals"]:
        checkpoint = v["checkpoint"]
        bound_key = "pre_dose" if checkpoint == "pre_dose" else "discharge"
        rows.append([hm(v["taken_at"]), CHECKPOINT_LABELS[checkpoint],
                     f"{v['systolic']}/{v['diastolic']}" if v["systolic"] else "—",
                     e(v["heart_rate"] or "—"), e(v["resp_rate"] or "—"),
                     e(v["spo2"] or "—"),
                     bounds_text(thresholds[bound_key]) if thresholds else "—",
                     verdict_cell(v)])
    parts.append(table(["Time", "Checkpoint", "BP", "HR", "RR", "SpO2", "Bounds", "Verdict"],
                       rows or [["—"] * 8], widths=[7, 14, 10, 6, 6, 7, 26, 24]))
    unmet = [d for d in summary.get("scheduled_vitals", []) if d["state"] != "taken"]
    if unmet:
        parts.append("<p>Readings the protocol planned and not taken: " + "; ".join(
            f"{hm(d['due_at'])} {e(d['label'])}, "
            + (f"skipped ({e(d['reason'])})" if d["state"] == "skipped" else d["state"])
            for d in unmet) + ".</p>")
    peak = summary.get("peak_bp")
    if peak:
        parts.append(f"<p>Peak BP {peak['systolic']}/{peak['diastolic']} at "
                     f"{hm(peak['taken_at'])}.</p>")

    adverse = [ev for ev in summary["events"] if ev["adverse"]]
    parts.append("<h2>Adverse events and PRN medication</h2>")
    parts.append(table(["Time", "Event", "Detail"],
                       [[hm(ev["at"]), e(ev["label"]), e(ev["detail"])] for ev in adverse])
                 if adverse else "<p>None recorded.</p>")
    other = [ev for ev in summary["events"] if not ev["adverse"]]
    if other:
        parts.append("<p class='muted'>Other events: " + "; ".join(
            f"{hm(ev['at'])} {e(ev['label'])}" for ev in other) + "</p>")
    parts.append("<h2>Sedation and dissociation</h2>")
    parts.append("<p>" + ("; ".join(f"{hm(r['at'])} {RATING_SCALES[r['scale']].lower()} "
                                    f"{r['level']}" for r in summary["ratings"])
                          or "Not rated.") + "</p>")

    parts.append("<h2>Discharge</h2>")
    if discharge:
        how = ("<span class='ok'>cleared: every condition held</span>" if discharge["cleared"]
               else f"<span class='breach'>OVERRIDDEN</span>: {e(discharge['reason'])}")
        ride = (f"ride home confirmed ({e(discharge['ride_home_name'])})"
                if discharge["ride_home_confirmed"] else "<span class='warn'>ride home not "
                                                         "confirmed</span>")
        parts.append(f"<p>{hm(discharge['at'])}: {how}; {ride}; no driving until the next "
                     "day.</p>")
    else:
        parts.append("<p class='warn'>Not discharged yet.</p>")

    summaries = [n for n in summary["notes"] if n["kind"] == "summary"]
    words = [n for n in summary["notes"] if n["kind"] == "client_words"]
    others = [n for n in summary["notes"] if n["kind"] not in ("summary", "client_words")]
    parts.append("<h2>Therapist's summary</h2>")
    parts.append("".join(f"<p>{e(n['body'])}</p>" for n in summaries) or "<p>—</p>")
    if words:
        parts.append("<h2>The client's own words</h2>" + "".join(
            f"<p>{hm(n['at'])} “{e(_unquoted(n['body']))}”</p>" for n in words))
    if others:
        parts.append("<h2>Other shared notes</h2>" + "".join(
            f"<p>{hm(n['at'])} {NOTE_KINDS[n['kind']]}: {e(n['body'])}</p>" for n in others))
    integration = summary.get("integration")
    parts.append(f"<p><b>Integration session:</b> "
                 f"{day(integration['scheduled_for']) if integration else 'not scheduled'}"
                 f"{', ' + hm(integration['scheduled_for']) if integration else ''}</p>")
    parts.append(f"<p class='muted'>Prepared with kapdesk on {day(summary['generated_at'])}. "
                 "Psychotherapy (process) notes are never included.</p>")
    return "<html><body>" + "".join(parts) + "</body></html>"


def course_summary_html(summary: dict[str, Any]) -> str:
    """The course summary page; the charts are images named bp.png, dose.png, scores.png."""
    client, prescriber, course = summary["client"], summary["prescriber"], summary["course"]
    practice = summary["practice"]

    def bp(reading: dict[str, Any] | None) -> str:
        if not reading or not reading["systolic"]:
            return "—"
        flag = "" if reading["status"] == "within" else " <span class='breach'>⚑</span>"
        return f"{reading['systolic']}/{reading['diastolic']}{flag}"

    rows = [[e(s["number"]), local(parse_instant(s["started_at"])).strftime("%d %b %Y"),
             "no dose" if not s["dose_mg"] else  # not "0", as a dose of 0 mg
             f"{s['dose_mg']:g}" + (f" (+{s['booster_mg']:g})" if s["booster_mg"] else ""),
             bp(s["pre_dose"]), bp(s["discharge"]) + (" <span class='breach'>overridden</span>"
                                                      if s["discharge_overridden"] else ""),
             f"{s['peak_bp']['systolic']}/{s['peak_bp']['diastolic']}" if s["peak_bp"] else "—",
             e(", ".join(s["adverse_events"]) or "none"),
             e(f"{s['sedation'] or '—'} / {s['dissociation'] or '—'}"),
             e("  ".join(f"{k} {v}" for k, v in sorted(s["scores"].items())))]
            for s in summary["sessions"]]
    scores = summary["outcome_measures"]
    state = ("ended " + e(course["ended_on"]) if course and course["ended_on"]
             else "in progress") if course else "no course"
    parts = [STYLE, "<h1>Course summary</h1>",
             f"<p class='muted'>{e(practice['name'])} · {e(practice['therapist'])}</p>",
             f"<p><b>{e(client['display_name'])}</b> · prescriber "
             f"{e(prescriber['name'] if prescriber else 'not recorded')} · course from "
             f"{e(course['started_on'] if course else '—')} ({state}), "
             f"{len(summary['sessions'])} of {e(course['planned_sessions'] if course else '—')}"
             " medication sessions</p>",
             table(["#", "Date", "Dose mg", "Pre-dose BP", "Discharge BP", "Peak BP",
                    "Adverse events", "Sedation / dissociation", "Scores"], rows
                   or [["—"] * 9], widths=[4, 11, 9, 10, 13, 9, 16, 14, 14]),
             "<p class='muted'>⚑ a reading outside the prescriber's thresholds (the latest "
             "reading at each checkpoint is shown).</p>",
             "<h2>Blood pressure and heart rate by session</h2><img src='bp.png' width='640'>",
             "<h2>Dose by session</h2><img src='dose.png' width='640'>",
             "<h2>Outcome scores</h2>",
             table(["Date", "Questionnaire", "Total"],
                   [[e(o["taken_on"]), e(o["instrument"]), e(o["score"])] for o in scores])
             if scores else "<p>None recorded.</p>",
             "<img src='scores.png' width='640'>" if scores else "",
             f"<p class='muted'>Prepared with kapdesk on {day(summary['generated_at'])}. No "
             "notes of any kind are included in a course summary.</p>"]
    return "<html><body>" + "".join(parts) + "</body></html>"


def _unquoted(text: str) -> str:
    """The client's words are printed in quotation marks; quotes typed around them already
    would double up (“"It feels…"”)."""
    stripped = text.strip()
    pairs = {'"': '"', "“": "”", "'": "'", "„": "“", "«": "»"}
    if len(stripped) > 1 and pairs.get(stripped[0]) == stripped[-1]:
        return stripped[1:-1].strip()
    return stripped
