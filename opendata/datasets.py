"""The bulk downloads of the public record: each dataset is its columns (name, type, meaning) and its rows.

Rows come only from the public selectors (Update.objects.public(), Evidence.objects.public() and
withheld_from_public(), through reporting.public.open_data_updates()); the catalogue is public as a whole.
Rows are produced one at a time so that every format can stream them.
"""

from dataclasses import dataclass

from reporting.models import MemberStateProgress, Period, Update
from reporting.public import open_data_updates, withheld_summary
from workprogramme.models import Initiative

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: tuple
    rows: object  # callable(period or None) -> iterable of tuples, in column order
    per_period: bool


def _catalogue_rows(period=None):
    for line in Initiative.objects.for_lists().iterator(chunk_size=2000):
        listings = list(line.listings.all())
        numbers = {lst.programme.code: lst.number for lst in listings}
        own = [lst for lst in listings if lst.programme_id == line.programme_id]
        home = (own or listings or [None])[0]
        yield (
            line.code,
            line.title,
            line.programme.code,
            numbers.get("AWPEC", ""),
            numbers.get("DIFAP", ""),
            home.area.code if home else "",
            line.outcome.code if line.outcome_id else "",
            "; ".join(f"{r.body.acronym} ({r.role})" for r in line.responsibilities.all()),
            line.timeline,
            line.target_year,
            line.status,
            line.per_member_state,
        )


def _update_rows(period=None):
    updates = open_data_updates()
    if period is not None:
        updates = updates.filter(period=period)
    for update in updates.iterator(chunk_size=2000):
        yield (
            update.period.code,
            update.initiative.code,
            update.initiative.title,
            update.output.position if update.output_id else None,
            update.body.acronym if update.body_id else "",
            update.status,
            update.progress,
            update.as_of.isoformat() if update.as_of else "",
            update.narrative,
            update.reason,
            update.reason_explanation,
            update.baseline,
            update.reviewed_at.isoformat() if update.reviewed_at else "",
            "; ".join(f"{e.title} <{e.url or e.get_absolute_url()}>" for e in update.public_evidence),
            "; ".join(f"{w['count']} restricted document(s) ({w['reason']})" for w in withheld_summary(update)),
            # Last, so that the earlier columns keep their places for those who read them by position.
            update.as_of_precision if update.as_of else "",
        )


def _member_state_rows(period=None):
    rows = MemberStateProgress.objects.filter(update__in=Update.objects.public())
    if period is not None:
        rows = rows.filter(update__period=period)
    values = rows.order_by(
        "-update__period__year", "-update__period__half", "update__initiative__position", "member_state__position"
    ).values_list(
        "update__period__code",
        "update__initiative__code",
        "update__output__position",
        "update__body__acronym",
        "member_state__code",
        "member_state__name",
        "status",
    )
    for row in values.iterator(chunk_size=2000):
        yield tuple("" if v is None and i == 3 else v for i, v in enumerate(row))


STATUS_MEANING = "not_started, in_progress, completed, delayed, discontinued, ongoing (as in the API's status)"

DATASETS = {
    d.slug: d
    for d in (
        Dataset(
            "catalogue",
            "Catalogue of both plans",
            "Every line of AWPEC and DIFAP with both plans' numbers, area, outcome, bodies, timeline and status.",
            (
                Column("code", "text", "The line's stable code, e.g. AWPEC-16 or DIFAP-PA1.1."),
                Column("title", "text", "The line's wording in its defining plan."),
                Column("programme", "text", "The plan that defines the line (AWPEC or DIFAP)."),
                Column("awpec_number", "text", "Its number as printed in AWPEC; blank if AWPEC does not list it."),
                Column("difap_number", "text", "Its number as printed in DIFAP; blank if DIFAP does not list it."),
                Column("area", "text", "Code of the priority area or sub-heading it is printed under."),
                Column("outcome", "text", "Code of the AWPEC outcome it serves; blank if none."),
                Column("bodies", "text", "Bodies and their roles (lead, joint, consulted), ';'-separated."),
                Column("timeline", "text", "The timeline as printed in the plan."),
                Column("target_year", "integer", "The latest year of the timeline; blank if it names none."),
                Column("status", "text", "The line's current status: " + STATUS_MEANING + "."),
                Column("per_member_state", "boolean", "Whether the line is tracked per ASEAN Member State."),
            ),
            _catalogue_rows,
            False,
        ),
        Dataset(
            "updates",
            "Accepted progress updates",
            "Every accepted update (the 2019 baseline included), newest period first; drafts and anything not "
            "accepted are never included.",
            (
                Column("period", "text", "The half-year reported on, e.g. 2026-H1."),
                Column("initiative", "text", "Code of the line (see the catalogue)."),
                Column("initiative_title", "text", "The line's wording."),
                Column("output", "integer", "Position of the output reported on; blank for the line as a whole."),
                Column("body", "text", "Acronym of the reporting body; blank for a baseline without one."),
                Column("status", "text", "Accepted status: " + STATUS_MEANING + "."),
                Column("progress", "integer", "Percent complete, 0 to 100; blank where the baseline states none."),
                Column("as_of", "date", "ISO date the facts are reported as of; may be blank."),
                Column("narrative", "text", "What was done, in the body's words."),
                Column("reason", "text", "Why delayed or discontinued (a fixed list); blank otherwise."),
                Column("reason_explanation", "text", "The explanation of the reason."),
                Column("baseline", "boolean", "True for DIFAP's mid-2019 implementation record."),
                Column("accepted_at", "datetime", "ISO date and time the update was accepted (UTC)."),
                Column("public_evidence", "text", "Public evidence as 'title <address>', ';'-separated."),
                Column("withheld_evidence", "text", "How many restricted documents exist, and why."),
                Column(
                    "as_of_precision",
                    "text",
                    "day, month or year: how much of as_of the source gives (month: as_of is the 1st of that month).",
                ),
            ),
            _update_rows,
            True,
        ),
        Dataset(
            "member-states",
            "Per-Member-State statuses",
            "For lines tracked per ASEAN Member State, each Member State's status in each accepted update.",
            (
                Column("period", "text", "The half-year reported on."),
                Column("initiative", "text", "Code of the line."),
                Column("output", "integer", "Position of the output; blank for the line as a whole."),
                Column("body", "text", "Acronym of the reporting body; blank for a baseline without one."),
                Column("member_state", "text", "ISO 3166 code of the Member State, e.g. VN."),
                Column("member_state_name", "text", "The Member State's name."),
                Column("status", "text", "not_started, in_progress or completed (ratified / implemented)."),
            ),
            _member_state_rows,
            True,
        ),
    )
}


def periods_with_public_updates():
    """Periods that hold at least one accepted update, newest first (one query)."""
    return Period.objects.filter(updates__in=Update.objects.public()).distinct().order_by("-year", "-half")
