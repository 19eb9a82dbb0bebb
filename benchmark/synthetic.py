"""A synthetic catalogue and reporting record N times the real one, for measuring pages and reports at scale.

Scale 1 is the real catalogue (both plans, 21 bodies) with 20 half-year periods of reporting; scale N adds N - 1
copies of every line, each led by copies of its bodies, so that a page listing lines, bodies or updates holds N times
as many. Everything is decided by a seeded random generator: the same scale gives the same rows. Rows are written with
bulk inserts (history rows included), so 100x takes minutes.
"""

import random
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import DateField

from reporting.models import ExpectedReport, MemberStateProgress, Period, Update
from workprogramme.models import (
    Body,
    Initiative,
    InitiativeListing,
    MemberState,
    Output,
    Responsibility,
    Status,
)

PERIODS = 20
BATCH = 2000
COPY_MARK = "-X"  # synthetic line codes: DIFAP-1.1-X2 is the second copy of DIFAP-1.1
BODY_MARK = "SYN-"

WORDS = (  # noqa: SIM905 (a sentence reads better than a list of 32 strings)
    "roaming broadband interoperability e-commerce payments logistics consumer protection data privacy cybersecurity "
    "MSME digitalisation single window trade facilitation e-invoicing workshop guideline framework survey pilot "
    "regional study capacity building ratification national programme meeting consultation"
).split()
CLOSED_STATES = (
    [Update.State.ACCEPTED] * 86 + [Update.State.RETURNED] * 3 + [Update.State.SUBMITTED] * 2 + [None] * 9
)  # None: not filed
OPEN_STATES = [Update.State.DRAFT] * 25 + [Update.State.SUBMITTED] * 30 + [Update.State.ACCEPTED] * 10 + [None] * 35
STATUSES = [Status.IN_PROGRESS] * 5 + [Status.COMPLETED] * 2 + [Status.NOT_STARTED, Status.DELAYED]


class AlreadyGenerated(Exception):
    pass


@contextmanager
def _dates_as_given(model):
    """Let bulk inserts keep the dates we give instead of `now` (auto_now and auto_now_add stamp them otherwise)."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, DateField) and (f.auto_now or f.auto_now_add)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _at(day, hour=9):
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _sentence(rng, n=40):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


@transaction.atomic
def generate(scale, *, log=print):
    """Write scale N's synthetic rows into a database holding the real catalogue; returns counts of rows added."""
    if scale < 1:
        raise ValueError("The scale is a whole number from 1.")
    if Body.objects.filter(acronym__startswith=BODY_MARK).exists() or Period.objects.count() >= PERIODS:
        raise AlreadyGenerated("This database already holds synthetic data: generate into a freshly loaded one.")
    if not Initiative.objects.exists():
        raise AlreadyGenerated("The catalogue is not loaded: run `make setup` (or `make load demo`) first.")
    rng = random.Random(f"asean-scale-{scale}")
    counts = {}
    copies = _copy_catalogue(scale, rng, counts, log)
    periods = _periods(counts)
    _reporting(periods, copies, rng, counts, log)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give later: plans as in production
    return counts


def _copy_catalogue(scale, rng, counts, log):
    """N - 1 copies of every line with its listings, outputs, bodies and Member States; returns every line."""
    real_bodies = list(Body.objects.order_by("acronym"))
    lines = list(
        Initiative.objects.order_by("position").prefetch_related(
            "listings", "outputs__bodies", "responsibilities", "member_states"
        )
    )
    bodies = Body.objects.bulk_create(
        [
            Body(acronym=f"{BODY_MARK}{copy}-{body.acronym}"[:30], name=f"{body.name} (synthetic copy {copy})")
            for copy in range(2, scale + 1)
            for body in real_bodies
        ],
        batch_size=BATCH,
    )
    body_copy = {(1, b.pk): b for b in real_bodies}
    for i, body in enumerate(bodies):
        body_copy[(2 + i // len(real_bodies), real_bodies[i % len(real_bodies)].pk)] = body
    counts["bodies"] = len(real_bodies) + len(bodies)

    top = max(line.position for line in lines) + 1
    new_lines = []
    for copy in range(2, scale + 1):
        for line in lines:
            title = f"{line.title} ({_sentence(rng, 3)[:-1].lower()}, copy {copy})"
            new_lines.append(
                Initiative(
                    programme_id=line.programme_id,
                    source_id=line.source_id,
                    code=f"{line.code}{COPY_MARK}{copy}",
                    outcome_id=line.outcome_id,
                    title=title,
                    timeline=line.timeline,
                    timeline_kind=line.timeline_kind,
                    target_year=line.target_year,
                    status=rng.choice(STATUSES),
                    assignment=line.assignment,
                    bodies_as_printed=line.bodies_as_printed,
                    per_member_state=line.per_member_state,
                    position=line.position + top * (copy - 1),
                    search_text=f"{line.code}{COPY_MARK}{copy} {title} {line.search_text}",
                )
            )
    Initiative.objects.bulk_create(new_lines, batch_size=BATCH)
    by_code = {line.code: line for line in new_lines}
    listings, outputs, responsibilities, named_states, parents = [], [], [], [], []
    output_bodies = []
    for copy in range(2, scale + 1):
        for line in lines:
            new = by_code[f"{line.code}{COPY_MARK}{copy}"]
            if line.parent_id:
                parent = next(p for p in lines if p.pk == line.parent_id)
                new.parent_id = by_code[f"{parent.code}{COPY_MARK}{copy}"].pk
                parents.append(new)
            listings += [
                InitiativeListing(
                    initiative=new,
                    programme_id=lst.programme_id,
                    area_id=lst.area_id,
                    number=lst.number,
                    title=lst.title,
                    outputs_as_printed=lst.outputs_as_printed,
                    timeline_as_printed=lst.timeline_as_printed,
                    bodies_as_printed=lst.bodies_as_printed,
                    position=lst.position + top * (copy - 1),
                )
                for lst in line.listings.all()
            ]
            for out in line.outputs.all():
                new_output = Output(
                    initiative=new,
                    position=out.position,
                    title=out.title,
                    timeline=out.timeline,
                    timeline_kind=out.timeline_kind,
                    target_year=out.target_year,
                    status=new.status if len(line.outputs.all()) == 1 else rng.choice(STATUSES),
                )
                outputs.append(new_output)
                output_bodies += [(new_output, body_copy[(copy, b.pk)]) for b in out.bodies.all()]
            responsibilities += [
                Responsibility(initiative=new, body=body_copy[(copy, r.body_id)], role=r.role, position=r.position)
                for r in line.responsibilities.all()
            ]
            named_states += [
                Initiative.member_states.through(initiative=new, memberstate=ms) for ms in line.member_states.all()
            ]
    Initiative.objects.bulk_update(parents, ["parent"], batch_size=BATCH)
    InitiativeListing.objects.bulk_create(listings, batch_size=BATCH)
    Output.objects.bulk_create(outputs, batch_size=BATCH)
    Output.bodies.through.objects.bulk_create(
        [Output.bodies.through(output=o, body=b) for o, b in output_bodies], batch_size=BATCH
    )
    Responsibility.objects.bulk_create(responsibilities, batch_size=BATCH)
    Initiative.member_states.through.objects.bulk_create(named_states, batch_size=BATCH)
    _history_of_created(Initiative, new_lines, _at(datetime(2019, 9, 1).date()))
    counts["lines"] = len(lines) + len(new_lines)
    log(f"catalogue: {counts['lines']} lines, {counts['bodies']} bodies")
    return lines + new_lines


def _periods(counts):
    """The 20 half-years up to the open one (created open for this half-year if none is); the past ones reviewed."""
    current = Period.objects.filter(state=Period.State.OPEN).first()
    if current is None:
        today = datetime.now(UTC).date()
        year, half = Period.containing(today)
        current = Period.objects.create(
            year=year,
            half=half,
            state=Period.State.OPEN,
            deadline=Period.default_deadline(year, half),
            opened_at=_at(Period.bounds(year, half)[0]),
        )
    halves = []
    year, half = current.year, current.half
    for _ in range(PERIODS):
        halves.append((year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    existing = {(p.year, p.half): p for p in Period.objects.all()}
    for year, half in halves:
        if (year, half) not in existing:
            start, end = Period.bounds(year, half)
            existing[(year, half)] = Period.objects.create(
                year=year,
                half=half,
                state=Period.State.REVIEWED,
                deadline=Period.default_deadline(year, half),
                opened_at=_at(start),
                closed_at=_at(end),
            )
    counts["periods"] = len(halves)
    return [existing[h] for h in reversed(halves)]


def _reporting(periods, lines, rng, counts, log):
    """Expected reports for each period, and the updates (with history) bodies filed on them."""
    from reporting.services import expected_lines

    by_pk = {line.pk: line for line in lines}
    states = list(MemberState.objects.all())
    users = _reporters()
    taken = set(Update.objects.values_list("period_id", "initiative_id", "output_id", "body_id"))
    expected_keys = set(ExpectedReport.objects.values_list("period_id", "initiative_id", "output_id", "body_id"))
    every_line = expected_lines(Period(year=periods[-1].year, half=periods[-1].half))
    expected, updates, member_states = [], [], []
    for period in periods:
        is_open = period.state == Period.State.OPEN
        for initiative, output, body, _ in every_line:
            if initiative.programme.start_year > period.year:
                continue
            key = (period.pk, initiative.pk, output.pk if output else None, body.pk)
            if key not in expected_keys:
                expected.append(
                    ExpectedReport(
                        period=period,
                        initiative_id=initiative.pk,
                        output_id=key[2],
                        body=body,
                        carried_over=period.year > initiative.programme.end_year,
                    )
                )
                expected_keys.add(key)
    ExpectedReport.objects.bulk_create(expected, batch_size=BATCH)
    expected_ids = {
        (e.period_id, e.initiative_id, e.output_id, e.body_id): e.pk
        for e in ExpectedReport.objects.filter(period__in=periods).only("period", "initiative", "output", "body")
    }
    for period in periods:
        is_open = period.state == Period.State.OPEN
        for (period_id, initiative_id, output_id, body_id), expected_id in expected_ids.items():
            if period_id != period.pk or (period_id, initiative_id, output_id, body_id) in taken:
                continue
            state = rng.choice(OPEN_STATES if is_open else CLOSED_STATES)
            if state is None:
                continue
            update = _update(rng, period, by_pk[initiative_id], output_id, body_id, expected_id, state, users)
            updates.append(update)
            if by_pk[initiative_id].per_member_state and state == Update.State.ACCEPTED:
                member_states += [(update, ms, rng.choice(MemberStateProgress.Status.values)) for ms in states]
    with _dates_as_given(Update):
        Update.objects.bulk_create(updates, batch_size=BATCH)
    MemberStateProgress.objects.bulk_create(
        [MemberStateProgress(update=u, member_state=ms, status=s) for u, ms, s in member_states], batch_size=BATCH
    )
    history = _update_history(updates)
    counts.update(expected_reports=len(expected_ids), updates=Update.objects.count(), update_history=history)
    log(f"reporting: {len(periods)} periods, {len(expected_ids)} expected reports, {counts['updates']} updates")


def _reporters():
    from accounts.models import User

    people = {u.username: u for u in User.objects.filter(username__in=["secretariat", "accec"])}
    return people.get("secretariat"), people.get("accec")


def _update(rng, period, line, output_id, body_id, expected_id, state, users):
    author, reviewer = users
    start, end = period.starts_on, period.ends_on
    late = rng.random() < 0.15
    submitted = period.deadline + timedelta(days=rng.randint(1, 20)) if late else end - timedelta(rng.randint(0, 40))
    status = rng.choice(STATUSES) if line.status not in (Status.COMPLETED,) else Status.COMPLETED
    progress = 100 if status == Status.COMPLETED else rng.randrange(0, 100, 5)
    delayed = status == Status.DELAYED
    received = state in (Update.State.SUBMITTED, Update.State.ACCEPTED, Update.State.RETURNED)
    return Update(
        period=period,
        initiative_id=line.pk,
        output_id=output_id,
        body_id=body_id,
        expected_id=expected_id,
        state=state,
        status=status,
        progress=progress,
        as_of=end - timedelta(days=rng.randint(0, 60)),
        narrative=_sentence(rng, rng.randint(20, 80)),
        next_steps=_sentence(rng, 12),
        blockers=_sentence(rng, 8) if delayed else "",
        reason=Update.Reason.values[0] if delayed else "",
        reason_explanation=_sentence(rng, 10) if delayed else "",
        author=author,
        created_at=_at(start + timedelta(days=rng.randint(30, 150))),
        updated_at=_at(submitted if received else end),
        submitted_at=_at(submitted) if received else None,
        late=late and received,
        reviewer=reviewer if state in (Update.State.ACCEPTED, Update.State.RETURNED) else None,
        reviewed_at=_at(submitted + timedelta(days=10))
        if state in (Update.State.ACCEPTED, Update.State.RETURNED)
        else None,
        review_comment="Please add the dates of the meetings." if state == Update.State.RETURNED else "",
        version=1 if state == Update.State.DRAFT else 3,
    )


def _history_of_created(model, rows, when):
    history = model.history.model
    fields = [f.attname for f in history._meta.fields if f.attname in {g.attname for g in model._meta.concrete_fields}]
    history.objects.bulk_create(
        [history(**{f: getattr(row, f) for f in fields}, history_date=when, history_type="+") for row in rows],
        batch_size=BATCH,
    )


def _update_history(updates):
    """A row for the filing and, for anything filed onward, one for its last step: about two per update."""
    history = Update.history.model
    fields = [f.attname for f in history._meta.fields if f.attname in {g.attname for g in Update._meta.concrete_fields}]
    rows = []
    for update in updates:
        values = {f: getattr(update, f) for f in fields}
        rows.append(
            history(
                **{**values, "state": Update.State.DRAFT, "version": 1},
                history_date=update.created_at,
                history_type="+",
                history_user_id=update.author_id,
            )
        )
        if update.state != Update.State.DRAFT:
            rows.append(
                history(
                    **values,
                    history_date=update.updated_at,
                    history_type="~",
                    history_user_id=update.reviewer_id or update.author_id,
                )
            )
    history.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
