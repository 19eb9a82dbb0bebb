"""What every export says, in the same words: the columns, the labels and the sentences built from the snapshot."""

from datetime import date, datetime

from django.utils import timezone

from ..cells import xml_legible

GROUPS = [
    ("priority_area", "By priority area"),
    ("programme", "By programme"),
    ("sub_heading", "By sub-heading"),
    ("outcome", "By AWPEC outcome"),
    ("body", "By implementing body"),
    ("member_state", "By Member State"),
]
GROUP_NOTES = {
    "body": "Lines a body leads or implements; a line with several bodies counts under each.",
    "member_state": "Lines that name the Member State, and lines tracked for every Member State.",
}
LINE_COLUMNS = [
    ("code", "Code"),
    ("number", "Number as printed"),
    ("programme", "Programme"),
    ("priority_area", "Priority area"),
    ("area_code", "Area"),
    ("outcome", "Outcome"),
    ("title", "Initiative"),
    ("bodies", "Implementing bodies"),
    ("timeline", "Timeline"),
    ("target_year", "Target year"),
    ("status_label", "Status"),
    ("progress", "Progress (%)"),
    ("reported", "Reported this period"),
    ("source_period", "Status from period"),
    ("overdue", "Overdue"),
    ("reporting_body", "Reported by"),
    ("narrative", "Narrative"),
    ("next_steps", "Next steps"),
    ("blockers", "Blockers and risks"),
    ("evidence", "Evidence"),
]


# Shared wording, so that every format says the same thing in the same words ------------------------------------


def percent(value):
    return "not stated" if value is None else f"{value:.1f}%"


def average_label(group):
    if group["avg_progress"] is None:
        return f"not stated (0 of {group['lines']})"
    return f"{group['avg_progress']:.1f}% ({group['progress_stated']} of {group['lines']} stated)"


def stated_progress(group):
    """The average progress, never without how many lines stated one: an average of few reads as if of all."""
    stated, lines = group["progress_stated"], group["lines"]
    if not stated:
        return f"Progress stated for 0 of {lines} lines: no average."
    return (
        f"Progress stated for {stated} of {lines} lines ({100 * stated / lines:.1f}%); "
        f"their average progress: {percent(group['avg_progress'])}."
    )


def progress_label(line):
    return "not stated" if line["progress"] is None else f"{line['progress']}%"


def reported_label(line, period_code):
    if line["reported"]:
        return "Reported"
    if line["source_period"]:
        return f"Not reported in {period_code}: status carried from {line['source_period']}"
    return "Never reported"


def status_keys(snapshot):
    return [key for key, _ in snapshot["statuses"]]


def summary_header(snapshot, first="Group"):
    return (
        [first, "Lines"]
        + [label for _, label in snapshot["statuses"]]
        + ["Share completed", "Average progress", "Overdue", "Not reported this period"]
    )


def summary_row(snapshot, group, label=None):
    return (
        [label or group["label"], group["lines"]]
        + [group["counts"][key] for key in status_keys(snapshot)]
        + [percent(group["completed_share"]), average_label(group), group["overdue"], group["not_reported"]]
    )


def evidence_text(line):
    return "; ".join(f"{e['title']} {e['url']}".strip() for e in line["evidence"])


def line_values(line, period_code):
    """One initiative as a flat row (CSV and XLSX)."""
    values = []
    for key, _ in LINE_COLUMNS:
        value = line.get(key)
        if key == "evidence":
            value = evidence_text(line)
        elif key == "reported":
            value = "yes" if line["reported"] else "no"
        elif key == "overdue":
            value = "yes" if line["overdue"] else "no"
        elif key == "progress":
            value = "not stated" if value is None else value
        elif key == "source_period":
            value = value or "never reported"
        values.append("" if value is None else value)
    return values


def issued_on(report):
    return timezone.localtime(report.issued_at).strftime("%d %B %Y") if report.issued_at else ""


def period_span(snapshot):
    start = date.fromisoformat(snapshot["period"]["starts_on"])
    end = date.fromisoformat(snapshot["period"]["ends_on"])
    return f"{start:%d %B %Y} to {end:%d %B %Y}"


def computed_on(snapshot):
    return datetime.fromisoformat(snapshot["computed_at"]).strftime("%d %B %Y %H:%M")


def issuer(report):
    user = report.issued_by
    return user.get_full_name() or user.get_username()


def areas_in_order(snapshot):
    return [(g["key"], g["label"]) for g in snapshot["groups"]["priority_area"]]


def lines_in(snapshot, area_code):
    return [line for line in snapshot["lines"] if line["priority_area"] == area_code]


def matrix_rows(snapshot):
    """The per-Member-State matrix with one short mark per cell, columns in the snapshot's order."""
    matrix = snapshot["member_state_matrix"]
    return [
        {
            "code": r["code"],
            "title": r["title"],
            "cells": [MS_SHORT.get(r["cells"][c], "–") for c in matrix["columns"]],
            "completed": r["completed"],
        }
        for r in matrix["rows"]
    ]


def legible(value):
    """The snapshot (or any of its parts) with every text made legible to XML, for the DOCX and XLSX writers."""
    if isinstance(value, str):
        return xml_legible(value)
    if isinstance(value, dict):
        return {key: legible(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [legible(item) for item in value]
    return value


def missing_expected_label(item):
    return f"{item['code']}" + (f" output {item['output']}" if item["output"] else "")


CHANGE_KINDS = [
    ("status_changes", "Status changed"),
    ("newly_completed", "Newly completed"),
    ("newly_delayed", "Newly delayed"),
    ("new_blockers", "New blocker"),
]


NO_CALL = "No reports were called for in {period}, so no body owed one (its updates are DIFAP's mid-2019 baseline)."
MATRIX_NOTE = (
    "Lines tracked per Member State, from each line's effective update. C: completed (ratified or implemented); "
    "P: in progress; N: not started; –: not stated."
)
MISSING_NOTE = (
    "Lines with no accepted update in {period}. Their status in the tables is carried from the period named, "
    "or counted as 'no report' when they were never reported."
)
MS_SHORT = {"completed": "C", "in_progress": "P", "not_started": "N"}


def key_figures(snapshot):
    totals = snapshot["totals"]
    period = snapshot["period"]["code"]
    counts = ", ".join(f"{totals['counts'][key]} {label.lower()}" for key, label in snapshot["statuses"])
    return [
        f"{totals['lines']} lines: {counts}.",
        f"Share completed: {percent(totals['completed_share'])} "
        f"({totals['counts']['completed']} of {totals['lines']}).",
        stated_progress(totals),
        f"Overdue (target year passed, not completed): {totals['overdue']}.",
        f"Not reported in {period}: {totals['not_reported']}.",
    ]


def changes_heading(snapshot):
    previous = snapshot["changes"]["previous"]
    return f"Changes since {previous}" if previous else "Changes since the previous period"


def changes_paragraphs(snapshot):
    changes = snapshot["changes"]
    if not changes["previous"]:
        return [f"There is no earlier period: {snapshot['period']['code']} is the first (the baseline)."]
    return [
        f"{len(changes['status_changes'])} status changes, {len(changes['newly_completed'])} newly completed, "
        f"{len(changes['newly_delayed'])} newly delayed, {len(changes['new_blockers'])} new blockers."
    ]
