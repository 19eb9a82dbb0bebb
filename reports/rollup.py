"""The roll-up of a period's accepted updates into the figures of ACCEC's progress report.

The rules (docs/decisions/0002-progress-report-roll-up.md):

1. A line is an initiative the programme holds (its own and those it quotes), sub-items included; each counts once.
2. A line's status and progress for a period come from its *effective update*: its latest accepted update in or
   before the period (latest period first; an update on the whole line before one on a single output; then the
   most recently reviewed). A line whose effective update is from an earlier period is "not reported this period"
   and every table says so; a line with no accepted update at all has status "no report", never 0%.
3. Progress not stated (None, as on the 2019 baseline) is left out of averages; the count stated is shown.
4. Every group (priority area, sub-heading, outcome, programme, body, Member State, the whole programme) is
   computed over its lines with the same rule: counts by status, share completed = completed / lines, average
   progress = unweighted mean of the lines' stated progress (each stated line weighs 1/n), overdue = target year
   before the period's end year and not completed or discontinued. A group is never a mean of sub-group means.

One annotated query gives every line's facts (its effective update, found by the database); the groups' figures
are tallied from those rows, so the roll-up takes a fixed number of queries and time linear in the lines.
"""

from collections import defaultdict
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.utils import timezone

from reporting.models import Evidence, ExpectedReport, MemberStateProgress, Period, Update
from workprogramme.models import (
    CLOSED_STATUSES,
    Area,
    Initiative,
    InitiativeListing,
    MemberState,
    Responsibility,
    Status,
)

RULE = (
    "Each line's status and progress for the period come from its latest accepted update in or before the period. "
    "Lines not reported in the period are counted with that earlier status and flagged as not reported; "
    "lines never reported count as 'no report'. Every group's figures are taken over its lines, each line "
    "weighing the same: share completed = completed lines / lines; average progress = unweighted mean of the "
    "lines whose progress is stated (lines with progress not stated are left out and counted). Overdue: target "
    "year before the period's end year and not completed or discontinued."
)

STATUSES = [(s.value, s.label) for s in Status]
NO_REPORT = "no_report"
STATUS_LABELS = dict(STATUSES) | {NO_REPORT: "No report"}
MS_STATUS_LABELS = dict(MemberStateProgress.Status.choices)


def _in_or_before(period):
    return Q(period__year__lt=period.year) | Q(period__year=period.year, period__half__lte=period.half)


class _OuterPeriod:
    """The period of the query two levels out (a Period row), for figures computed over every period at once."""

    year = OuterRef(OuterRef("year"))
    half = OuterRef(OuterRef("half"))


def effective_updates(period, ref="pk"):
    """Accepted updates of the line `ref` points at, in or before `period`, the effective one first.

    Read through the public selector: the figures show only the accepted record, so dashboards may be public.
    """
    return (
        Update.objects.public()
        .filter(_in_or_before(period), initiative=OuterRef(ref))
        .order_by(
            "-period__year",
            "-period__half",
            F("output_id").asc(nulls_first=True),
            F("reviewed_at").desc(nulls_last=True),
            "-pk",
        )
    )


def line_annotations(period, previous=None, ref="pk"):
    """The per-line facts every figure is computed from, as annotations on a query that reaches the line by `ref`."""
    effective = effective_updates(period, ref)
    target_year = "target_year" if ref == "pk" else f"{ref}__target_year"
    annotations = {
        "eff_id": Subquery(effective.values("pk")[:1]),
        "eff_status": Subquery(effective.values("status")[:1], output_field=CharField()),
        "eff_progress": Subquery(effective.values("progress")[:1], output_field=IntegerField()),
        "eff_period": Subquery(effective.values("period__code")[:1], output_field=CharField()),
        "reported_now": Exists(Update.objects.public().filter(initiative=OuterRef(ref), period=period)),
    }
    annotations["past_target"] = Case(
        When(
            Q(**{f"{target_year}__lt": period.ends_on.year})
            & (Q(eff_status__isnull=True) | ~Q(eff_status__in=CLOSED_STATUSES)),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    if previous is not None:
        before = effective_updates(previous, ref)
        annotations["prev_status"] = Subquery(before.values("status")[:1], output_field=CharField())
        annotations["prev_blockers"] = Subquery(before.values("blockers")[:1], output_field=TextField())
    return annotations


def _metrics(base=None, prefix=""):
    def where(q=None):
        if base is None:
            return q
        return base if q is None else base & q

    metrics = {
        "lines": Count("pk", filter=where()),
        "not_reported": Count("pk", filter=where(Q(reported_now=False))),
        "overdue": Count("pk", filter=where(Q(past_target=True))),
        "progress_stated": Count("pk", filter=where(Q(eff_progress__isnull=False))),
        "avg_progress": Avg("eff_progress", filter=where()),
        NO_REPORT: Count("pk", filter=where(Q(eff_status__isnull=True))),
    }
    metrics |= {status: Count("pk", filter=where(Q(eff_status=status))) for status, _ in STATUSES}
    return {prefix + name: value for name, value in metrics.items()}


def _tally(lines):
    """The figures of a group from its lines' facts (the annotations of `line_annotations`): the rule, once."""
    stated = [line.eff_progress for line in lines if line.eff_progress is not None]
    tally = {
        "lines": len(lines),
        "not_reported": sum(1 for line in lines if not line.reported_now),
        "overdue": sum(1 for line in lines if line.past_target),
        "progress_stated": len(stated),
        "avg_progress": sum(stated) / len(stated) if stated else None,
        NO_REPORT: sum(1 for line in lines if line.eff_status is None),
    }
    return tally | {status: sum(1 for line in lines if line.eff_status == status) for status, _ in STATUSES}


def _figures(row, key, label, prefix=""):
    """One table row of a group, in the form every page and export reads."""
    lines = row[prefix + "lines"] or 0
    completed = row[prefix + Status.COMPLETED] or 0
    average = row[prefix + "avg_progress"]
    return {
        "key": key,
        "label": label,
        "lines": lines,
        "counts": {status: row[prefix + status] or 0 for status in list(dict(STATUSES)) + [NO_REPORT]},
        "completed_share": round(100 * completed / lines, 1) if lines else None,
        "avg_progress": round(float(average), 1) if average is not None else None,
        "progress_stated": row[prefix + "progress_stated"] or 0,
        "overdue": row[prefix + "overdue"] or 0,
        "not_reported": row[prefix + "not_reported"] or 0,
    }


def previous_period(period):
    return (
        Period.objects.filter(Q(year__lt=period.year) | Q(year=period.year, half__lt=period.half))
        .order_by("-year", "-half")
        .first()
    )


@contextmanager
def _without_jit():
    """Run the per-line query without PostgreSQL's JIT compiler.

    Its correlated subqueries (the effective update, per line) make the planner's cost estimate pass
    `jit_above_cost` once the catalogue is a few times the real one, and PostgreSQL then spends longer compiling
    the query than running it: 21 s of compilation at 10x the real data, for a query that runs in well under a
    second without (docs/benchmarks.md). `SET LOCAL` holds for this transaction only.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def compute(period, programme):
    """The frozen figures of a progress report on `programme` for `period`, as JSON-ready data.

    One query gives every line with its facts for the period (effective status and progress, reported or not,
    overdue); every group's figures are then tallied from those rows by the same rule (`_tally`), so the work grows
    with the number of lines, not with lines times groups.
    """
    previous = previous_period(period)
    scope = Initiative.objects.for_programme(programme)
    lines_qs = scope.annotate(**line_annotations(period, previous)).order_by("position", "code")
    with _without_jit():
        lines_in_order = list(
            lines_qs.select_related("programme", "outcome").prefetch_related("responsibilities__body", "listings__area")
        )

    totals = _figures(_tally(lines_in_order), programme.code, programme.title)

    # The line's listing in this programme's document places it under an area (and its priority area).
    areas = {a.pk: a for a in Area.objects.filter(programme=programme)}
    in_area, in_sub_heading = defaultdict(list), defaultdict(list)
    for line in lines_in_order:
        for listing in line.listings.all():
            if listing.programme_id != programme.pk:
                continue
            area = areas[listing.area_id]
            in_area[area.parent_id or area.pk].append(line)
            if area.kind == Area.Kind.SUB_HEADING:
                in_sub_heading[area.pk].append(line)
    by_area = [
        _figures(_tally(lines), areas[pk].code, areas[pk].label)
        for pk, lines in sorted(in_area.items(), key=lambda kv: (areas[kv[0]].position, kv[0]))
    ]
    by_sub_heading = _sub_headings(in_sub_heading, areas)

    outcomes, in_outcome = {}, defaultdict(list)
    for line in lines_in_order:
        if line.outcome_id:
            outcomes[line.outcome_id] = line.outcome
            in_outcome[line.outcome_id].append(line)
    by_outcome = [
        _figures(_tally(in_outcome[pk]), outcome.code, outcome.title)
        for pk, outcome in sorted(outcomes.items(), key=lambda kv: (kv[1].position, kv[1].code))
    ]
    programmes, in_programme = {}, defaultdict(list)
    for line in lines_in_order:
        programmes[line.programme_id] = line.programme
        in_programme[line.programme_id].append(line)
    by_programme = [
        _figures(_tally(in_programme[pk]), p.code, p.title)
        for pk, p in sorted(programmes.items(), key=lambda kv: (kv[1].position, kv[1].code))
    ]
    # Bodies that lead or implement the line; a body only consulted is not answerable for it.
    bodies, of_body = {}, defaultdict(list)
    for line in lines_in_order:
        for responsibility in line.responsibilities.all():
            if responsibility.role != Responsibility.Role.CONSULTED:
                bodies[responsibility.body_id] = responsibility.body
                of_body[responsibility.body_id].append(line)
    by_body = [
        _figures(_tally(of_body[pk]), body.acronym, body.name)
        for pk, body in sorted(bodies.items(), key=lambda kv: kv[1].acronym)
    ]

    member_states = list(MemberState.objects.all())
    # A Member State's lines: those that name it, and those tracked for every Member State.
    named = set(
        Initiative.member_states.through.objects.filter(initiative__in=scope).values_list(
            "initiative_id", "memberstate_id"
        )
    )
    by_member_state = [
        _figures(
            _tally([line for line in lines_in_order if line.per_member_state or (line.pk, ms.pk) in named]),
            ms.code,
            ms.name,
        )
        for ms in member_states
    ]

    lines = _line_rows(lines_in_order, programme, previous)
    return {
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "programme": {"code": programme.code, "title": programme.title},
        "period": {
            "code": period.code,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
            "deadline": period.deadline.isoformat(),
            "previous": previous.code if previous else None,
        },
        "rule": RULE,
        "statuses": [[key, label] for key, label in STATUS_LABELS.items()],
        "totals": totals,
        "groups": {
            "priority_area": by_area,
            "sub_heading": by_sub_heading,
            "outcome": by_outcome,
            "programme": by_programme,
            "body": by_body,
            "member_state": by_member_state,
        },
        "lines": lines,
        "overdue_by_target_year": _overdue_by_target_year(lines_qs),
        "trend": trend(programme, until=period),
        "completeness": _completeness(period),
        "changes": _changes(lines, previous),
        "member_state_matrix": _member_state_matrix(lines, member_states),
        "missing": {
            "lines": [line["code"] for line in lines if not line["reported"]],
            "expected": [
                {"body": e["body__acronym"], "code": e["initiative__code"], "output": e["output__position"]}
                for e in ExpectedReport.objects.filter(period=period)
                .missing()
                .values("body__acronym", "initiative__code", "output__position")
                .order_by("body__acronym", "initiative__position", "output__position")
            ],
        },
    }


def standing(period, programme=None):
    """Where a plan (or, without one, every plan) stands at `period`, for its dashboard. Four queries.

    Totals; lines by status per priority area (per programme when every plan is shown, each line once under the
    plan that defines it); overdue lines by target year. The same functions make the progress report's figures.
    """
    scope = Initiative.objects.for_programme(programme) if programme else Initiative.objects.all()
    lines_qs = scope.annotate(**line_annotations(period))
    key, label = (programme.code, programme.title) if programme else ("ALL", "All plans")
    totals = _figures(lines_qs.aggregate(**_metrics()), key, label)
    groups = _by_priority_area(*_listed(period, programme, scope)) if programme else _by_programme(lines_qs)
    return {
        "period": {"code": period.code, "ends_on": period.ends_on.isoformat()},
        "statuses": [[key, label] for key, label in STATUS_LABELS.items()],
        "totals": totals,
        "groups": groups,
        "overdue_by_target_year": _overdue_by_target_year(lines_qs),
    }


def trend(programme=None, until=None):
    """Share completed and average stated progress of a plan's lines at each period up to `until`. One query.

    Each period's figures follow the rule above exactly (the line's effective update in or before that period), so
    a period's row equals the totals of a report on it; they are computed for every period in one query.
    """
    scope = Initiative.objects.for_programme(programme) if programme else Initiative.objects.all()
    effective = effective_updates(_OuterPeriod)
    lines = scope.annotate(
        eff_status=Subquery(effective.values("status")[:1], output_field=CharField()),
        eff_progress=Subquery(effective.values("progress")[:1], output_field=IntegerField()),
    )

    def scalar(queryset, function, field="pk", output_field=None):
        # A plain function, not an aggregate: one row over the lines, without a GROUP BY.
        value = Func(F(field), function=function, output_field=output_field or IntegerField())
        return Subquery(queryset.order_by().annotate(value=value).values("value")[:1], output_field=value.output_field)

    periods = Period.objects.order_by("year", "half")
    if until is not None:
        periods = periods.filter(Q(year__lt=until.year) | Q(year=until.year, half__lte=until.half))
    rows = periods.annotate(
        lines=scalar(lines, "COUNT"),
        completed=scalar(lines.filter(eff_status=Status.COMPLETED), "COUNT"),
        progress_stated=scalar(lines.filter(eff_progress__isnull=False), "COUNT"),
        avg_progress=scalar(lines, "AVG", "eff_progress", FloatField()),
    ).values("code", "lines", "completed", "progress_stated", "avg_progress")
    return [
        {
            "period": row["code"],
            "lines": row["lines"],
            "completed": row["completed"],
            "completed_share": round(100 * row["completed"] / row["lines"], 1) if row["lines"] else None,
            "progress_stated": row["progress_stated"],
            "avg_progress": round(float(row["avg_progress"]), 1) if row["avg_progress"] is not None else None,
        }
        for row in rows
    ]


def line_trend(initiative, since, until):
    """A line's status and stated progress at each period from `since` to `until` (under the rule above). One query."""
    effective = effective_updates(_OuterPeriod)
    line = Initiative.objects.filter(pk=initiative.pk)
    rows = (
        Period.objects.filter(Q(year__gt=since.year) | Q(year=since.year, half__gte=since.half))
        .filter(Q(year__lt=until.year) | Q(year=until.year, half__lte=until.half))
        .order_by("year", "half")
        .annotate(
            status=Subquery(line.annotate(value=Subquery(effective.values("status")[:1])).values("value")[:1]),
            progress=Subquery(line.annotate(value=Subquery(effective.values("progress")[:1])).values("value")[:1]),
            reported=Exists(Update.objects.public().filter(initiative=initiative, period=OuterRef("pk"))),
        )
        .values("code", "status", "progress", "reported")
    )
    return [
        {
            "period": row["code"],
            "status": row["status"] or NO_REPORT,
            "status_label": STATUS_LABELS[row["status"] or NO_REPORT],
            "progress": row["progress"],
            "reported": row["reported"],
        }
        for row in rows
    ]


def _listed(period, programme, scope):
    """The lines' listings in this programme's document, which place each under an area and its priority area."""
    listings = InitiativeListing.objects.filter(programme=programme, initiative__in=scope)
    listed = listings.annotate(**line_annotations(period, ref="initiative")).annotate(
        top_area=Case(When(area__parent__isnull=False, then=F("area__parent_id")), default=F("area_id"))
    )
    return listed, {a.pk: a for a in Area.objects.filter(programme=programme)}


def _by_priority_area(listed, areas):
    by_area = [
        _figures(row, areas[row["top_area"]].code, areas[row["top_area"]].label)
        for row in listed.values("top_area").annotate(**_metrics()).order_by("top_area")
    ]
    by_area.sort(key=lambda g: next(a.position for a in areas.values() if a.code == g["key"]))
    return by_area


def _by_programme(lines_qs):
    return [
        _figures(row, row["programme__code"], row["programme__title"])
        for row in lines_qs.values("programme__code", "programme__title", "programme__position")
        .annotate(**_metrics())
        .order_by("programme__position")
    ]


def _overdue_by_target_year(lines_qs):
    """Overdue lines (target year before the period's end year, not completed or discontinued) per target year."""
    return [
        _figures(row, row["target_year"], str(row["target_year"]))
        for row in lines_qs.filter(past_target=True)
        .values("target_year")
        .annotate(**_metrics())
        .order_by("target_year")
    ]


def _sub_headings(in_sub_heading, areas):
    result = []
    for pk in sorted(in_sub_heading, key=lambda pk: (areas[pk].position, pk)):
        area = areas[pk]
        parent = areas.get(area.parent_id)
        label = f"{parent.label}: {area.title}" if parent else area.title
        result.append(_figures(_tally(in_sub_heading[pk]), area.code, label))
    return result


def _line_rows(lines, programme, previous):
    """One row per line for the tables, from the lines the figures were tallied from."""
    updates = {
        u.pk: u
        for u in Update.objects.filter(pk__in=[line.eff_id for line in lines if line.eff_id])
        .select_related("period", "body", "output")
        .prefetch_related("evidence")
    }
    rows = []
    for line in lines:
        listing = next((lst for lst in line.listings.all() if lst.programme_id == programme.pk), None)
        area = listing.area if listing else None
        update = updates.get(line.eff_id)
        status = line.eff_status or NO_REPORT
        rows.append(
            {
                "code": line.code,
                "title": line.short_title,
                "programme": line.programme.code,
                "number": listing.number if listing else "",
                "priority_area": (area.parent_id or area.pk) if area else None,
                "area_code": area.code if area else "",
                "outcome": line.outcome.code if line.outcome_id else "",
                "bodies": ", ".join(
                    r.body.acronym for r in sorted(line.responsibilities.all(), key=lambda r: r.position)
                )
                or line.get_assignment_display(),
                "timeline": line.timeline,
                "target_year": line.target_year,
                "status": status,
                # Every format prints the label: a corrected status says whose word it is.
                "status_label": STATUS_LABELS[status]
                + (" (ASEAN Secretariat correction)" if update and update.kind == Update.Kind.CORRECTION else ""),
                "progress": line.eff_progress,
                "reported": line.reported_now,
                "source_period": line.eff_period,
                "overdue": line.past_target,
                "per_member_state": line.per_member_state,
                "update_id": line.eff_id,
                "baseline": bool(update and update.baseline),
                "reporting_body": (
                    "ASEAN Secretariat (correction)"
                    if update and update.kind == Update.Kind.CORRECTION
                    else (update.body.acronym if update and update.body_id else "")
                ),
                "correction": bool(update and update.kind == Update.Kind.CORRECTION),
                "narrative": update.narrative if update else "",
                "next_steps": update.next_steps if update else "",
                "blockers": update.blockers if update else "",
                "evidence": [
                    {"title": e.title, "kind": e.kind, "url": e.url or ""}
                    for e in (update.evidence.all() if update else [])
                    # A report may be published: it names only evidence its filer and reviewer disclosed.
                    if e.disclosure == Evidence.Disclosure.PUBLIC and e.disclosure_confirmed
                ],
                "previous_status": getattr(line, "prev_status", None) if previous else None,
                "previous_blockers": getattr(line, "prev_blockers", None) or "" if previous else "",
            }
        )
    # Priority area codes instead of ids, for the exports.
    codes = dict(Area.objects.filter(programme=programme).values_list("pk", "code"))
    for row in rows:
        row["priority_area"] = codes.get(row["priority_area"], "")
    return rows


def _completeness(period):
    return [
        {
            "body": row["body__acronym"],
            "name": row["body__name"],
            "expected": row["expected"],
            "on_time": row["on_time"],
            "late": row["late"],
            "missing": row["missing"],
        }
        for row in ExpectedReport.objects.filter(period=period).matrix()
    ]


def _changes(lines, previous):
    """What moved since the previous period, line by line (from the per-line facts already computed)."""
    if previous is None:
        return {"previous": None, "status_changes": [], "newly_completed": [], "newly_delayed": [], "new_blockers": []}

    def entry(line):
        return {
            "code": line["code"],
            "title": line["title"],
            "from": STATUS_LABELS.get(line["previous_status"] or NO_REPORT),
            "to": line["status_label"],
        }

    changed = [line for line in lines if line["reported"] and line["status"] != (line["previous_status"] or NO_REPORT)]
    return {
        "previous": previous.code,
        "status_changes": [entry(line) for line in changed],
        "newly_completed": [entry(line) for line in changed if line["status"] == Status.COMPLETED],
        "newly_delayed": [entry(line) for line in changed if line["status"] == Status.DELAYED],
        "new_blockers": [
            {"code": line["code"], "title": line["title"], "blockers": line["blockers"]}
            for line in lines
            if line["reported"] and line["blockers"].strip() and line["blockers"] != line["previous_blockers"]
        ],
    }


def _member_state_matrix(lines, member_states):
    tracked = [line for line in lines if line["per_member_state"]]
    cells = {}
    for update_id, code, status in MemberStateProgress.objects.filter(
        update_id__in=[line["update_id"] for line in tracked if line["update_id"]]
    ).values_list("update_id", "member_state__code", "status"):
        cells[(update_id, code)] = status
    codes = [ms.code for ms in member_states]
    rows = []
    for line in tracked:
        row_cells = {code: cells.get((line["update_id"], code)) for code in codes}
        rows.append(
            {
                "code": line["code"],
                "title": line["title"],
                "source_period": line["source_period"],
                "reported": line["reported"],
                "cells": row_cells,
                "completed": sum(1 for s in row_cells.values() if s == MemberStateProgress.Status.COMPLETED),
            }
        )
    return {
        "columns": codes,
        "names": {ms.code: ms.name for ms in member_states},
        "labels": MS_STATUS_LABELS,
        "rows": rows,
    }
