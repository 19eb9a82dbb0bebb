"""The catalogue: programmes (action plans), their areas, outcomes, initiatives and outputs.

One structure serves every plan. An item belongs to the programme that defines it (`programme`) and is
*listed* in every document that prints it (`InitiativeListing`, `OutcomeListing`), each listing with that
document's number and wording. That is how DIFAP's quotation of AWPEC stays the same row as AWPEC's own,
and how AWPEC's two numberings (its own text's and DIFAP's quotation's) are both kept.
"""

from datetime import date

from django.db import connections, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .timelines import TimelineKind, parse_timeline


class DatePrecision(models.TextChoices):
    """How much of a date a document gives: a date known only to the month is stored as its 1st, and says so."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


DATE_FORMATS = {DatePrecision.DAY: "%-d %B %Y", DatePrecision.MONTH: "%B %Y", DatePrecision.YEAR: "%Y"}


def format_date(value, precision=DatePrecision.DAY):
    """A document's date as precisely as the document gives it: "19 February 2019", "February 2019", "2019"."""
    if value is None:
        return ""
    return value.strftime(DATE_FORMATS.get(precision or DatePrecision.DAY, DATE_FORMATS[DatePrecision.DAY]))


def precision_field(of):
    return models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=f"How much of {of} the document gives (month: stored as the 1st of the month).",
    )


class MemberState(models.Model):
    code = models.CharField(max_length=2, unique=True, help_text="ISO 3166-1 alpha-2 code.")
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("workprogramme:member_state_detail", args=[self.code])


class Body(models.Model):
    """An implementing body: a sectoral body, a ministers' meeting, a partner or a business council."""

    class Kind(models.TextChoices):
        SECTORAL_BODY = "sectoral_body", "Sectoral body"
        MINISTERS_MEETING = "ministers_meeting", "Ministers' meeting"
        PARTNER = "partner", "Partner"
        BUSINESS_COUNCIL = "business_council", "Business council"

    acronym = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SECTORAL_BODY)

    class Meta:
        ordering = ["acronym"]
        verbose_name_plural = "bodies"

    def __str__(self):
        return self.acronym

    def get_absolute_url(self):
        return reverse("workprogramme:body_detail", args=[self.acronym])


class Programme(models.Model):
    """An action plan, as adopted, and the source document its catalogue was read from."""

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    adopted_by = models.CharField(max_length=200, blank=True)
    adopted_on = models.DateField(null=True, blank=True)
    adopted_on_precision = precision_field("the adoption date")
    adopted_at = models.CharField(max_length=200, blank=True)
    endorsed_by = models.CharField(max_length=200, blank=True)
    endorsed_on = models.DateField(null=True, blank=True)
    endorsed_on_precision = precision_field("the endorsement date")
    source_document = models.CharField(max_length=200, help_text="File the catalogue was read from.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workprogramme:programme_detail", args=[self.code])

    @property
    def adopted_on_display(self):
        return format_date(self.adopted_on, self.adopted_on_precision)

    @property
    def endorsed_on_display(self):
        return format_date(self.endorsed_on, self.endorsed_on_precision)


class Area(models.Model):
    """An AWPEC element, a DIFAP priority area, or a sub-heading inside a priority area."""

    class Kind(models.TextChoices):
        ELEMENT = "element", "Element"
        PRIORITY_AREA = "priority_area", "Priority area"
        SUB_HEADING = "sub_heading", "Sub-heading"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="areas")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.CharField(max_length=10, blank=True, help_text="As printed; blank when unnumbered.")
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["programme__position", "position"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        if self.kind == self.Kind.PRIORITY_AREA and self.number:
            return f"Priority area {self.number}: {self.title}"
        return self.title


class Outcome(models.Model):
    """An AWPEC outcome. Its number differs between AWPEC's own text and DIFAP's quotation of it."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="outcomes")
    source = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The document it was first read from.",
    )
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.title


class OutcomeListing(models.Model):
    """Where a document prints an outcome: its number, wording and area there."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="listings")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="outcome_listings")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="outcome_listings")
    number = models.CharField(max_length=10, blank=True)
    title = models.CharField(max_length=300)
    section = models.CharField(max_length=200, blank=True, help_text="The 'Section ...' label printed before it.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["programme__position", "position"]
        constraints = [models.UniqueConstraint(fields=["outcome", "programme"], name="one_outcome_listing_per_doc")]

    def __str__(self):
        return f"{self.programme.code} outcome {self.number}"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DELAYED = "delayed", "Delayed"
    DISCONTINUED = "discontinued", "Discontinued"


CLOSED_STATUSES = (Status.COMPLETED, Status.DISCONTINUED)


class InitiativeQuerySet(models.QuerySet):
    def for_programme(self, programme):
        """Items a programme holds: its own, and those it quotes from another plan."""
        quoted = InitiativeListing.objects.filter(initiative=OuterRef("pk"), programme=programme)
        return self.filter(Q(programme=programme) | Exists(quoted))

    def in_area(self, area):
        areas = Area.objects.filter(Q(pk=area.pk) | Q(parent=area.pk))
        listed = InitiativeListing.objects.filter(initiative=OuterRef("pk"), area__in=areas)
        parent_listed = InitiativeListing.objects.filter(initiative=OuterRef("parent"), area__in=areas)
        return self.filter(Exists(listed) | Exists(parent_listed))

    def for_body(self, body):
        """Items a body leads, implements jointly or is consulted on, for the whole item or one output."""
        named = Responsibility.objects.filter(initiative=OuterRef("pk"), body=body)
        on_output = Output.bodies.through.objects.filter(output__initiative=OuterRef("pk"), body=body)
        return self.filter(Exists(named) | Exists(on_output))

    def for_member_state(self, member_state):
        """Items that name the Member State, or whose progress is tracked for every Member State."""
        named = Initiative.member_states.through.objects.filter(initiative=OuterRef("pk"), memberstate=member_state)
        return self.filter(Q(per_member_state=True) | Exists(named))

    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def unassigned(self):
        """Lines the document gives no body: no report can be expected of anyone until one is assigned."""
        return self.exclude(assignment=Initiative.Assignment.NAMED)

    def overdue(self, on: date | None = None):
        """Timeline passed (the end of its target year is behind us) and not completed or discontinued."""
        on = on or date.today()
        return self.open().filter(target_year__lt=on.year)

    def search(self, text):
        text = text.strip()
        if not text:
            return self
        by_code = Q(code__iexact=text) | Q(code__iexact=f"AWPEC-{text}") | Q(code__iexact=f"DIFAP-{text}")
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            query = SearchQuery(text, config="english", search_type="websearch")
            return self.annotate(document=SearchVector("search_text", config="english")).filter(
                Q(document=query) | by_code
            )
        words = [Q(search_text__icontains=word) for word in text.split()]
        return self.filter(Q(*words) | by_code)

    def for_lists(self):
        """Everything a list page or the list API shows, in a fixed number of queries."""
        return self.select_related("programme", "source", "outcome", "parent").prefetch_related(
            "responsibilities__body",
            "listings__programme",
            "listings__area__parent",
            "outcome__listings__programme",
            "outputs__bodies",
            "member_states",
        )


class Initiative(models.Model):
    """A line of a plan: what is to be done, by whom, by when. The unit that bodies report on."""

    Status = Status

    class Assignment(models.TextChoices):
        NAMED = "named", "Named bodies"
        TO_BE_CONFIRMED = "to_be_confirmed", "To be confirmed (TBC)"
        ALL_RELEVANT = "all_relevant", "All relevant sectoral bodies"
        NONE_GIVEN = "none_given", "None given"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="initiatives", help_text="The plan that defines it."
    )
    source = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The document it was first read from.",
    )
    code = models.CharField(max_length=40, unique=True)
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.PROTECT, related_name="initiatives")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The line this one is nested under in the document (AFAFGIT -> Protocol 2).",
    )
    title = models.TextField()
    timeline = models.CharField(max_length=60, blank=True, help_text="The TIMELINE cell as printed.")
    timeline_kind = models.CharField(max_length=10, choices=TimelineKind.choices, default=TimelineKind.NONE)
    target_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED, db_index=True)
    assignment = models.CharField(max_length=20, choices=Assignment.choices, default=Assignment.NAMED)
    bodies_as_printed = models.CharField(max_length=300, blank=True)
    bodies = models.ManyToManyField(Body, through="Responsibility", related_name="initiatives")
    per_member_state = models.BooleanField(
        default=False,
        help_text="Progress is reported for each Member State (ratification, national programmes).",
    )
    member_states = models.ManyToManyField(
        MemberState, blank=True, related_name="initiatives", help_text="Member States the line itself names."
    )
    position = models.PositiveIntegerField(default=0, help_text="Order in the catalogue.")
    search_text = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, help_text="Raised on every status change; refuses stale edits.")
    history = HistoricalRecords(excluded_fields=["search_text", "position"])

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["status", "target_year"], name="initiative_overdue_idx"),
            # search() matches a code whatever its case (UPPER(code) = UPPER(%s)) OR-ed with the full-text match:
            # PostgreSQL uses the search's GIN index for such an OR only when every side has an index of its own.
            models.Index(Upper("code"), name="initiative_code_upper_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.short_title}"

    def get_absolute_url(self):
        return reverse("workprogramme:initiative_detail", args=[self.code])

    @property
    def short_title(self):
        first_line = self.title.splitlines()[0] if self.title else ""
        return first_line if len(first_line) <= 120 else first_line[:117].rstrip() + "..."

    def set_timeline(self, printed: str):
        timeline = parse_timeline(printed)
        self.timeline, self.timeline_kind, self.target_year = printed, timeline.kind, timeline.target_year

    @property
    def timeline_note(self):
        """How to read the TIMELINE cell, where the bare text could mislead."""
        if parse_timeline(self.timeline).completed:
            return "printed in the timeline column: a status, not a date"
        if self.timeline_kind == TimelineKind.YEAR:
            return ""
        note = self.get_timeline_kind_display()
        return f"{note}; latest year {self.target_year}" if self.target_year else note

    def is_overdue(self, on: date | None = None):
        on = on or date.today()
        return self.status not in CLOSED_STATUSES and self.target_year is not None and self.target_year < on.year

    def ordered_bodies(self):
        """Bodies, lead first, from prefetched responsibilities."""
        return [r.body for r in sorted(self.responsibilities.all(), key=lambda r: r.position)]

    def listing_in(self, programme_code):
        return next((lst for lst in self.listings.all() if lst.programme.code == programme_code), None)

    def build_search_text(self):
        parts = [self.code, self.title, self.bodies_as_printed, self.timeline]
        parts += [o.title for o in self.outputs.all()]
        parts += [f"{lst.number} {lst.title} {lst.outputs_as_printed}" for lst in self.listings.all()]
        parts += [b.acronym + " " + b.name for b in self.bodies.all()]
        if self.outcome_id:
            parts.append(self.outcome.title)
        return " ".join(p for p in parts if p)


class Responsibility(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        JOINT = "joint", "Implementing"
        CONSULTED = "consulted", "Consulted"

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="responsibilities")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="responsibilities")
    role = models.CharField(max_length=10, choices=Role.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "responsibilities"
        constraints = [
            models.UniqueConstraint(fields=["initiative", "body"], name="one_role_per_body"),
            models.UniqueConstraint(fields=["initiative"], condition=Q(role="lead"), name="one_lead_per_initiative"),
        ]

    def __str__(self):
        return f"{self.body} ({self.get_role_display()})"


class InitiativeListing(models.Model):
    """Where a document prints an initiative: its number, wording, outputs, timeline and bodies there."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="listings")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="initiative_listings")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="initiative_listings")
    number = models.CharField(max_length=10, blank=True, help_text="As printed; blank when unnumbered.")
    title = models.TextField()
    outputs_as_printed = models.TextField(blank=True)
    timeline_as_printed = models.CharField(max_length=60, blank=True)
    bodies_as_printed = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["programme__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "programme"], name="one_listing_per_doc"),
        ]
        indexes = [models.Index(fields=["programme", "area"], name="listing_programme_area_idx")]

    def __str__(self):
        return f"{self.programme.code} {self.number or '(unnumbered)'}"


class Output(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="outputs")
    position = models.PositiveSmallIntegerField()
    title = models.TextField()
    timeline = models.CharField(max_length=60, blank=True)
    timeline_kind = models.CharField(max_length=10, choices=TimelineKind.choices, default=TimelineKind.NONE)
    target_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    # Blank until a report (or the 2019 baseline text) speaks of this output: "not reported", never "not started".
    status = models.CharField(max_length=20, choices=Status.choices, blank=True, default="", db_index=True)
    bodies = models.ManyToManyField(
        Body, blank=True, related_name="outputs", help_text="Only when they differ from the initiative's."
    )
    delivered_by = models.ForeignKey(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shared_outputs",
        help_text="The line whose deliverable this output is, printed twice: reported there, once, for both.",
    )
    history = HistoricalRecords()

    NOT_REPORTED = "Not reported"

    class Meta:
        ordering = ["initiative", "position"]
        constraints = [models.UniqueConstraint(fields=["initiative", "position"], name="output_position")]

    def __str__(self):
        return self.title[:80]

    @property
    def status_label(self):
        return self.get_status_display() if self.status else self.NOT_REPORTED

    def set_timeline(self, printed: str):
        timeline = parse_timeline(printed)
        self.timeline, self.timeline_kind, self.target_year = printed, timeline.kind, timeline.target_year
