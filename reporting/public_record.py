"""What the public reads of the reporting record: accepted updates and their disclosable evidence only.

Everything here starts from the public selectors (Update.objects.public(), Evidence.objects.public() and
Evidence.objects.withheld_from_public()) and loads only Update.PUBLIC_FIELDS, so a page built from it cannot
show an author, a reviewer, a comment, a review note or a draft, whatever its template does.
"""

from collections import Counter, OrderedDict

from django.db.models import F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Evidence, Period, Update

# Periods newest first; the 2019 baseline is the oldest period, so it comes last.
NEWEST_FIRST = ("-period__year", "-period__half")
PUBLIC_EVIDENCE_FIELDS = ("id", "update_id", "kind", "title", "url", "file", "filename")
WITHHELD_EVIDENCE_FIELDS = ("id", "update_id", "disclosure", "restriction_reason", "disclosure_confirmed")
# Evidence proposed public but never confirmed by a reviewer (accepted before disclosure was reviewed).
UNCONFIRMED_REASON = "not confirmed for publication"


def public_updates():
    """Accepted updates, public fields only, with the period, body, output and line that pages and data name.

    The one selector of the public record: pages, feeds, the open-data API and the downloads all start here.
    """
    return (
        Update.objects.public()
        .select_related("period", "body", "output", "initiative")
        .only(
            *Update.PUBLIC_FIELDS,
            "period__year",
            "period__half",
            "period__code",
            "period__deadline",
            "body__acronym",
            "body__name",
            "output__position",
            "output__title",
            "initiative__code",
            "initiative__title",
            "initiative__position",
        )
    )


def with_public_evidence(updates):
    """Each update with `public_evidence` (what the public may open) and `withheld_evidence` (what it is only told
    exists): two more queries, whatever the number of updates and documents."""
    return updates.prefetch_related(
        Prefetch("evidence", Evidence.objects.public().only(*PUBLIC_EVIDENCE_FIELDS), to_attr="public_evidence"),
        Prefetch(
            "evidence",
            Evidence.objects.withheld_from_public().only(*WITHHELD_EVIDENCE_FIELDS),
            to_attr="withheld_evidence",
        ),
    )


def accepted_history(initiative):
    """A line's accepted history: [(period, [updates])], newest period first, ending with the 2019 baseline.

    Each update carries `public_evidence` (what the public may open) and `withheld` ([(reason, count)]), the
    evidence the public is only told exists. Four queries, whatever the number of periods and documents.
    """
    updates = with_public_evidence(public_updates().filter(initiative=initiative)).order_by(
        *NEWEST_FIRST, F("output__position").asc(nulls_first=True), "body__acronym"
    )
    history = OrderedDict()
    for update in updates:
        update.withheld = withheld_summary(update.withheld_evidence)
        history.setdefault(update.period, []).append(update)
    return list(history.items())


def withheld_summary(evidence):
    """[(reason, count)] for evidence the public may not open, in the order first met."""
    counts = Counter()
    for item in evidence:
        counts[
            item.restriction_reason if item.disclosure == Evidence.Disclosure.RESTRICTED else UNCONFIRMED_REASON
        ] += 1
    return list(counts.items())


def latest_reviewed_period():
    """The latest period in which anything was accepted (the 2019 baseline period if nothing else was)."""
    return Period.objects.filter(updates__in=Update.objects.public()).order_by("-year", "-half").first()


def changes_in_latest_review():
    """(period, updates) for the latest reviewed period: the accepted updates that changed a line's status.

    An update changed the status when the same line (and output) had no accepted update in an earlier period, or
    its latest earlier one gave another status. Each update carries `previous_status` (None when new). Two queries.
    """
    period = latest_reviewed_period()
    if period is None:
        return None, []
    earlier = (
        Update.objects.public()
        .filter(initiative=OuterRef("initiative"))
        .filter(Q(period__year__lt=period.year) | Q(period__year=period.year, period__half__lt=period.half))
        .annotate(output_key=Coalesce("output_id", Value(0)))
        .filter(output_key=OuterRef("output_key"))
        .order_by(*NEWEST_FIRST)
        .values("status")[:1]
    )
    updates = (
        public_updates()
        .select_related("initiative")
        .only(
            *Update.PUBLIC_FIELDS,
            "period__code",
            "body__acronym",
            "body__name",
            "output__position",
            "initiative__code",
            "initiative__title",
        )
        .filter(period=period)
        .annotate(output_key=Coalesce("output_id", Value(0)))
        .annotate(previous_status=Subquery(earlier))
        # A line accepted for the first time changed too (from nothing): NULL compares as unknown, so say it.
        .filter(Q(previous_status__isnull=True) | ~Q(previous_status=F("status")))
        .order_by("initiative__code", F("output__position").asc(nulls_first=True), "body__acronym")
    )
    return period, list(updates)


def member_state_progress(member_state):
    """What a Member State has done on per-AMS lines: its latest accepted status on each line (and output).

    [MemberStateProgress] ordered as the catalogue, each with `.update` (public fields only). One query.
    """
    from .models import MemberStateProgress

    rows = (
        MemberStateProgress.objects.filter(member_state=member_state, update__in=Update.objects.public())
        .select_related("update__period", "update__initiative", "update__output", "update__body")
        .only(
            "status",
            "update_id",
            "member_state_id",
            "update__period__code",
            "update__period__year",
            "update__period__half",
            "update__initiative__code",
            "update__initiative__title",
            "update__initiative__position",
            "update__output__position",
            "update__body__acronym",
            "update__body__name",
            "update__baseline",
            "update__state",
        )
        .order_by(
            "update__initiative__position",
            F("update__output__position").asc(nulls_first=True),
            "-update__period__year",
            "-update__period__half",
        )
    )
    latest = OrderedDict()
    for row in rows:
        latest.setdefault((row.update.initiative_id, row.update.output_id), row)
    return list(latest.values())


def member_state_matrix():
    """Every Member State's latest accepted status on every per-AMS line (and output). One query.

    [MemberStateProgress] ordered as the catalogue, then by Member State, each with `.update` (public fields only).
    """
    from .models import MemberStateProgress

    rows = (
        MemberStateProgress.objects.filter(update__in=Update.objects.public())
        .select_related("member_state", "update__period", "update__initiative", "update__output")
        .only(
            "status",
            "update_id",
            "member_state__code",
            "member_state__position",
            "update__period__code",
            "update__period__year",
            "update__period__half",
            "update__initiative__code",
            "update__initiative__title",
            "update__initiative__position",
            "update__output__position",
            "update__state",
        )
        .order_by(
            "update__initiative__position",
            "update__initiative__code",
            F("update__output__position").asc(nulls_first=True),
            "member_state__position",
            "-update__period__year",
            "-update__period__half",
        )
    )
    latest = OrderedDict()
    for row in rows:
        latest.setdefault((row.update.initiative_id, row.update.output_id, row.member_state_id), row)
    return list(latest.values())


# How a body's reporting record is counted; the body page says it in these words.
RECORD_DEFINITION = (
    "For each period, the reports the body was expected to file (one per line or output it leads). "
    "On time: an update was accepted and it was first submitted by the deadline. Late: accepted, but first "
    "submitted after the deadline. Missing: expected, and no update accepted for it (not filed, or filed but "
    "not accepted). Periods still open for filing are shown as in progress."
)


def reporting_record(body):
    """Per period (newest first): expected, on time, late, missing, counted from accepted facts only. One query."""
    from .models import ExpectedReport

    return _records(ExpectedReport.objects.filter(body=body))


def reporting_records():
    """Every body's reporting record, per body and period (oldest period first), by the same count. One query."""
    from .models import ExpectedReport

    return _records(ExpectedReport.objects.all(), by_body=True)


def _records(expected, by_body=False):
    from django.db.models import Count, Exists

    accepted = Update.objects.public().filter(expected=OuterRef("pk"))
    fields = ("period__code", "period__state", "period__deadline", "period__year", "period__half")
    order = ("-period__year", "-period__half")
    if by_body:
        fields += ("body__acronym", "body__name")
        order = ("body__acronym", "period__year", "period__half")
    return list(
        expected.annotate(accepted=Exists(accepted), accepted_late=Exists(accepted.filter(late=True)))
        .values(*fields)
        .annotate(
            expected=Count("id"),
            on_time=Count("id", filter=Q(accepted=True, accepted_late=False)),
            late=Count("id", filter=Q(accepted_late=True)),
            missing=Count("id", filter=Q(accepted=False)),
        )
        .order_by(*order)
    )
