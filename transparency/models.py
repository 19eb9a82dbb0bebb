"""Negotiations in the open: each negotiation, its register of documents, the public's requests and consultations.

What the public may see is read only through the `public()` selectors below; everything else (restricted files and
texts, unmoderated or rejected responses and requests, names and emails of the public) never leaves the Secretariat.
"""

from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

TITLE_MAX_LENGTH = 300
EXPLANATION_MAX_LENGTH = 2000
PUBLIC_TEXT_MAX_LENGTH = 10000
VERSION_TEXT_MAX_LENGTH = 500000


class Negotiation(models.Model):
    class State(models.TextChoices):
        PREPARING = "preparing", "In preparation"
        UNDER_NEGOTIATION = "under_negotiation", "Under negotiation"
        CONCLUDED = "concluded", "Concluded"
        SIGNED = "signed", "Signed"
        SUSPENDED = "suspended", "Suspended"

    code = models.SlugField(max_length=20, unique=True, help_text='Short name used in addresses, e.g. "DEFA".')
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(blank=True, max_length=PUBLIC_TEXT_MAX_LENGTH)
    mandate = models.TextField(
        blank=True,
        max_length=PUBLIC_TEXT_MAX_LENGTH,
        help_text="The negotiating mandate as made public; empty while it is not (see the register).",
    )
    launched_on = models.DateField(null=True, blank=True, help_text="Empty when no source states it.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.UNDER_NEGOTIATION)
    programmes = models.ManyToManyField("workprogramme.Programme", blank=True, related_name="negotiations")
    initiatives = models.ManyToManyField("workprogramme.Initiative", blank=True, related_name="negotiations")
    source = models.CharField(
        max_length=TITLE_MAX_LENGTH, blank=True, help_text="Where what the tracker says about it comes from."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("transparency:negotiation_detail", args=[self.code])


class Round(models.Model):
    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    host = models.ForeignKey("workprogramme.MemberState", null=True, blank=True, on_delete=models.PROTECT)
    venue = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["negotiation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["negotiation", "number"], name="one_round_per_number"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="round_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"Round {self.number}"


class Chapter(models.Model):
    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="chapters")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=TITLE_MAX_LENGTH)

    class Meta:
        ordering = ["negotiation", "number"]
        constraints = [models.UniqueConstraint(fields=["negotiation", "number"], name="one_chapter_per_number")]

    def __str__(self):
        return f"Chapter {self.number}: {self.title}"


class Organisation(models.Model):
    """The stakeholder registry: who takes part, asks, or meets; never a person."""

    class Kind(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", "Civil society"
        LABOUR = "labour", "Labour"
        CONSUMER = "consumer", "Consumer"
        DIGITAL_RIGHTS = "digital_rights", "Digital rights"
        DEVELOPMENT = "development", "Development"
        INDUSTRY = "industry", "Industry or business association"
        ACADEMIC = "academic", "Academic or expert"
        GOVERNMENT = "government", "Government"
        OTHER = "other", "Other"

    class Scope(models.TextChoices):
        NATIONAL = "national", "National"
        REGIONAL = "regional", "Regional"
        GLOBAL = "global", "Global"

    name = models.CharField(max_length=TITLE_MAX_LENGTH, unique=True)
    country = models.ForeignKey("workprogramme.MemberState", null=True, blank=True, on_delete=models.PROTECT)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.NATIONAL)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["scope", "country__position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="national", country__isnull=False) | (~Q(scope="national") & Q(country__isnull=True)),
                name="national_organisation_has_a_country",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def where(self):
        return self.country.name if self.country_id else self.get_scope_display()


class RestrictionReason(models.TextChoices):
    """Why a document is not disclosed: a fixed list, so that the public can compare decisions."""

    NEGOTIATION_UNDER_WAY = "negotiation_under_way", "Disclosure now would prejudice negotiations under way"
    MEMBER_STATE_CONSENT = "member_state_consent", "A Member State has not consented to its release"
    THIRD_PARTY_CONFIDENTIAL = "third_party_confidential", "Commercially confidential information of a third party"
    PERSONAL_DATA = "personal_data", "It holds personal data"
    SECURITY = "security", "Security or international relations"


class DocumentQuerySet(models.QuerySet):
    def public(self):
        """Documents whose content the public may read: disclosed public."""
        return self.filter(disclosure=Document.Disclosure.PUBLIC)

    def in_register(self):
        """Every entry, whatever its state: the register's public fields say what exists and why it is not out."""
        return self.select_related("negotiation", "round", "chapter", "initiative")

    def due_for_review(self, on=None):
        return self.filter(disclosure=Document.Disclosure.RESTRICTED, review_on__lte=on or date.today())

    def search(self, text):
        """Full text over each entry's public description and its public versions (PostgreSQL; LIKE elsewhere)."""
        text = (text or "").strip()
        if not text:
            return self
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            query = SearchQuery(text, config="english", search_type="websearch")
            entries = Document.objects.annotate(found=SearchVector("search_text", config="english")).filter(found=query)
        else:
            entries = Document.objects.filter(*[Q(search_text__icontains=word) for word in text.split()])
        # Two lookups, each answered from its own GIN index: combined with OR in one statement, PostgreSQL gave up
        # the indexes and computed every text's vector (seconds on 5,000 entries instead of milliseconds).
        matching = set(entries.values_list("pk", flat=True))
        matching |= set(DocumentVersion.objects.public().search(text).values_list("document_id", flat=True))
        return self.filter(pk__in=matching)


class Document(models.Model):
    """An entry of the disclosure register. Its title, kind, dates and disclosure state are public whatever the
    state; its versions (texts and files) only once it is disclosed public."""

    class Kind(models.TextChoices):
        MANDATE = "mandate", "Negotiating mandate"
        POSITION_PAPER = "position_paper", "Position paper"
        SUBMISSION = "submission", "Submission"
        DRAFT_CHAPTER = "draft_chapter", "Draft chapter"
        DRAFT_AGREEMENT = "draft_agreement", "Draft agreement"
        FINAL_TEXT = "final_text", "Final text"
        STUDY = "study", "Study"
        COMMUNICATION_AMS = "communication_ams", "Communication with Member States"
        COMMUNICATION_THIRD_PARTY = "communication_third_party", "Communication with third parties"
        AGENDA = "agenda", "Agenda"
        MINUTES = "minutes", "Minutes"
        STAKEHOLDER_NOTES = "stakeholder_notes", "Notes from a stakeholder event"

    class Disclosure(models.TextChoices):
        PUBLIC = "public", "Public"
        RESTRICTED = "restricted", "Restricted"
        PENDING = "pending", "Pending decision"
        REQUESTED = "requested", "Requested"

    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(blank=True, max_length=PUBLIC_TEXT_MAX_LENGTH, help_text="Public, in every state.")
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    initiative = models.ForeignKey(
        "workprogramme.Initiative", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.CharField(max_length=200, blank=True, help_text="A body, a Member State or an organisation.")
    dated = models.DateField(null=True, blank=True)
    requested_on = models.DateField(null=True, blank=True, help_text="When civil society asked for it.")
    requested_as = models.TextField(blank=True, max_length=PUBLIC_TEXT_MAX_LENGTH, help_text="The request's words.")
    disclosure = models.CharField(max_length=10, choices=Disclosure.choices, default=Disclosure.PENDING)
    public_since = models.DateField(null=True, blank=True)
    restriction_reason = models.CharField(max_length=30, choices=RestrictionReason.choices, blank=True)
    restriction_explanation = models.TextField(blank=True, max_length=EXPLANATION_MAX_LENGTH)
    review_on = models.DateField(null=True, blank=True, help_text="When a restriction is looked at again.")
    # Built from public fields only, so that searching never reveals what a restricted text holds.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["negotiation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(disclosure="restricted") | (~Q(restriction_reason="") & Q(review_on__isnull=False)),
                name="restricted_document_has_reason_and_review_date",
            ),
            models.CheckConstraint(
                condition=~Q(disclosure="public") | Q(public_since__isnull=False),
                name="public_document_has_a_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = "\n".join(filter(None, [self.title, self.description, self.author, self.requested_as]))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("transparency:document_detail", args=[self.pk])

    @property
    def is_public(self):
        return self.disclosure == self.Disclosure.PUBLIC

    @property
    def review_overdue(self):
        return self.disclosure == self.Disclosure.RESTRICTED and self.review_on and self.review_on <= date.today()


class DisclosureDecision(models.Model):
    """Each change of a document's disclosure state: public, as the Secretariat's, never naming the person."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="decisions")
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_state = models.CharField(max_length=10, choices=Document.Disclosure.choices)
    to_state = models.CharField(max_length=10, choices=Document.Disclosure.choices)
    reason = models.CharField(max_length=30, choices=RestrictionReason.choices, blank=True)
    explanation = models.TextField(max_length=EXPLANATION_MAX_LENGTH)
    review_on = models.DateField(null=True, blank=True)

    PUBLIC_FIELDS = ["id", "document_id", "decided_at", "from_state", "to_state", "reason", "explanation", "review_on"]

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.get_from_state_display()} to {self.get_to_state_display()}"


def version_path(version, filename):
    # Stored under the hash like evidence: the uploaded name never reaches the filesystem.
    return f"register/{version.sha256[:2]}/{version.sha256}"


class DocumentVersionQuerySet(models.QuerySet):
    def public(self):
        """Versions the public may read: disclosed, of a document disclosed public."""
        return self.filter(document__disclosure=Document.Disclosure.PUBLIC, disclosed_at__isnull=False)

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        if connections[self.db].vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery

            # The stored vector, not one computed per row: long texts that all match would take seconds to recheck.
            return self.filter(search_vector=SearchQuery(text, config="english", search_type="websearch"))
        return self.filter(*[Q(text__icontains=word) for word in text.split()])


class DocumentVersion(models.Model):
    """One version of a document, kept in order: a text (bracketed passages in [square brackets]), a file, or both."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    label = models.CharField(max_length=200, blank=True, help_text='E.g. "Draft after round 2".')
    dated = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=VERSION_TEXT_MAX_LENGTH)
    file = models.FileField(upload_to=version_path, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    disclosed_at = models.DateTimeField(null=True, blank=True, help_text="When the public could first read it.")
    # The text's full-text vector, written once when the version is saved (versions never change), on PostgreSQL.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_version_per_number"),
            models.CheckConstraint(condition=~Q(text="") | ~Q(file=""), name="version_has_text_or_file"),
        ]

    def __str__(self):
        return f"{self.document.title}, version {self.number}"

    def get_absolute_url(self):
        return reverse("transparency:version_detail", args=[self.pk])


class Meeting(models.Model):
    """A meeting on a negotiation with Member States or with third parties: public, like the meeting lists of
    interest representatives some governments keep; its agenda and minutes are register entries with their own state."""

    class With(models.TextChoices):
        MEMBER_STATES = "member_states", "ASEAN and Member States"
        THIRD_PARTIES = "third_parties", "Third parties"

    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    online = models.BooleanField(default=False)
    held_with = models.CharField(max_length=20, choices=With.choices)
    subject = models.CharField(max_length=TITLE_MAX_LENGTH)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="meetings")
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings")
    agenda = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    minutes = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(place="") | Q(online=True), name="meeting_has_a_place_or_is_online")
        ]

    def __str__(self):
        return f"{self.subject} ({self.held_on:%d %b %Y})"

    @property
    def where(self):
        if self.online and self.place:
            return f"{self.place} and online"
        return "Online" if self.online else self.place


class Moderation(models.TextChoices):
    UNVERIFIED = "unverified", "Email not yet verified"
    AWAITING = "awaiting", "Awaiting moderation"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"


class RejectionReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    ABUSIVE = "abusive", "Abusive or hateful"
    PERSONAL_DATA = "personal_data", "Exposes someone's personal data"
    OFF_TOPIC = "off_topic", "Not about this negotiation or consultation"
    DUPLICATE = "duplicate", "Duplicate of another submission"


class PublicSubmission(models.Model):
    """What the public sends: verified by a link to the email, then moderated before anything of it is shown."""

    name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=64, unique=True, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    moderation = models.CharField(max_length=12, choices=Moderation.choices, default=Moderation.UNVERIFIED)
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    address = models.CharField(max_length=64, blank=True, editable=False, help_text="Hash of the sender's address.")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class DisclosureRequestQuerySet(models.QuerySet):
    def public(self):
        return self.filter(moderation=Moderation.PUBLISHED)

    def waiting(self):
        """Verified requests without an answer: the Secretariat's to-do list."""
        return self.exclude(moderation__in=[Moderation.UNVERIFIED, Moderation.REJECTED]).filter(answered_at=None)


class DisclosureRequest(PublicSubmission):
    """A request from the public for a document or for a meeting."""

    class Subject(models.TextChoices):
        DOCUMENT = "document", "A document"
        MEETING = "meeting", "A meeting"

    class Answer(models.TextChoices):
        GRANTED = "granted", "Granted"
        PARTLY = "partly", "Partly granted"
        REFUSED = "refused", "Refused"

    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="requests")
    subject = models.CharField(max_length=10, choices=Subject.choices, default=Subject.DOCUMENT)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="requests")
    text = models.TextField(max_length=EXPLANATION_MAX_LENGTH, help_text="What is asked for.")
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answer_text = models.TextField(blank=True, max_length=EXPLANATION_MAX_LENGTH)
    refusal_reason = models.CharField(max_length=30, choices=RestrictionReason.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DisclosureRequestQuerySet.as_manager()

    PUBLIC_FIELDS = [
        "id",
        "negotiation_id",
        "subject",
        "document_id",
        "text",
        "verified_at",
        "answer",
        "answer_text",
        "refusal_reason",
        "answered_at",
        "moderation",
    ]

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(answer="refused") | ~Q(refusal_reason=""), name="refused_request_has_a_reason"
            )
        ]

    def __str__(self):
        return f"Request {self.pk}"

    @property
    def days_taken(self):
        if self.verified_at is None:
            return None
        end = self.answered_at or timezone.now()
        return (end.date() - self.verified_at.date()).days


class ConsultationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(published=True)

    def open_on(self, day):
        return self.public().filter(opens_on__lte=day, closes_on__gte=day, closed_at=None)


class Consultation(models.Model):
    """A public consultation on a document version, a chapter or an initiative, at ASEAN level or in one AMS."""

    negotiation = models.ForeignKey(Negotiation, on_delete=models.PROTECT, related_name="consultations")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(blank=True, max_length=PUBLIC_TEXT_MAX_LENGTH)
    version = models.ForeignKey(
        DocumentVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations"
    )
    chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.PROTECT, related_name="consultations")
    initiative = models.ForeignKey(
        "workprogramme.Initiative", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member_state = models.ForeignKey(
        "workprogramme.MemberState",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Empty for a consultation at ASEAN level.",
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    questions = models.TextField(max_length=PUBLIC_TEXT_MAX_LENGTH, help_text="One question a line.")
    published = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When the Secretariat closed it early.")
    closing_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        permissions = [("moderate", "Can moderate what the public sends (responses and requests)")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="consultation_closes_after_it_opens"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("transparency:consultation_detail", args=[self.pk])

    @property
    def level(self):
        return self.member_state.name if self.member_state_id else "ASEAN"

    def question_list(self):
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    def is_open(self, on=None):
        on = on or timezone.localdate()
        return self.published and self.closed_at is None and self.opens_on <= on <= self.closes_on

    def is_closed(self, on=None):
        return self.closed_at is not None or (on or timezone.localdate()) > self.closes_on

    @property
    def state_label(self):
        today = timezone.localdate()
        if self.is_closed(today):
            return "Closed"
        return "Opens soon" if today < self.opens_on else "Open"


class ResponseQuerySet(models.QuerySet):
    def public(self):
        """Published responses to published consultations, with only their public fields."""
        return (
            self.filter(moderation=Moderation.PUBLISHED, consultation__published=True)
            .select_related("country")
            .only(*Response.PUBLIC_FIELDS)
        )


class Response(PublicSubmission):
    """One member of the public's response to a consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="responses")
    organisation_kind = models.CharField(
        max_length=20, choices=Organisation.Kind.choices, blank=True, help_text="Empty for an individual."
    )
    country = models.ForeignKey("workprogramme.MemberState", null=True, blank=True, on_delete=models.PROTECT)
    anonymous = models.BooleanField(default=False, help_text="Shown publicly without the organisation's name.")
    text = models.TextField(max_length=PUBLIC_TEXT_MAX_LENGTH)

    objects = ResponseQuerySet.as_manager()

    # Never the name, the email or the address: those stay with the Secretariat.
    PUBLIC_FIELDS = [
        "id",
        "consultation_id",
        "organisation",
        "organisation_kind",
        "anonymous",
        "country",
        "country__code",
        "country__name",
        "country__position",
        "text",
        "submitted_at",
        "moderation",
    ]

    class Meta:
        ordering = ["submitted_at", "pk"]

    def __str__(self):
        return f"Response {self.pk}"

    @property
    def public_author(self):
        """Who responded, as the public sees it: an organisation (unless anonymous), never a person's name."""
        where = self.country.name if self.country_id else "outside ASEAN or not given"
        if self.organisation and not self.anonymous:
            return f"{self.organisation} ({where})"
        kind = self.get_organisation_kind_display() if self.organisation_kind else "individual"
        article = "An" if kind[0].lower() in "aeiou" else "A"
        return f"{article} {kind.lower()} respondent ({where})"


class Reply(models.Model):
    """The Secretariat's published answer to one comment or a group of comments."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="replies")
    responses = models.ManyToManyField(Response, related_name="replies")
    text = models.TextField(max_length=PUBLIC_TEXT_MAX_LENGTH)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["published_at", "pk"]
        verbose_name_plural = "replies"

    def __str__(self):
        return f"Reply {self.pk}"


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(confirmed_at__isnull=False, unsubscribed_at=None)


class Subscription(models.Model):
    """News of one negotiation or one consultation by email: confirmed by a link (double opt-in), ended by another."""

    email = models.EmailField()
    negotiation = models.ForeignKey(
        Negotiation, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    submitted_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    address = models.CharField(max_length=64, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(negotiation__isnull=False) & Q(consultation__isnull=True))
                | (Q(negotiation__isnull=True) & Q(consultation__isnull=False)),
                name="subscription_to_one_negotiation_or_consultation",
            )
        ]

    def __str__(self):
        return f"Subscription {self.pk}"

    @property
    def target(self):
        return self.negotiation or self.consultation
