"""What the reporting API reads and writes. Input serializers only parse; the rules are in services.py."""

import re

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from workprogramme.models import Body, Initiative, Output, Status

from ..limits import (
    EXPLANATION_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RESTRICTION_REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
)
from ..models import Evidence, ExpectedReport, MemberStateProgress, Period, Reason, Update
from ..services import UPDATE_FIELDS, URL_CHARACTERS, URL_CHARACTERS_MESSAGE

MEMBER_STATES_SCHEMA = {
    "type": "object",
    "description": "Per-Member-State status, ISO code -> not_started | in_progress | completed.",
    "additionalProperties": {"type": "string", "enum": MemberStateProgress.Status.values},
    "example": {"LA": "completed", "VN": "in_progress"},
}


# Surrounding spaces are trimmed, so a text must hold something else: stated as a pattern in the schema.
NOT_BLANK = RegexValidator(r"\S", "This field may not be blank.")
# The domain's URL rule, published as a pattern so that generated clients check it too.
# (The validator formats its message with %: the examples' percent signs are doubled.)
URL_CHARACTERS = RegexValidator(f"^{URL_CHARACTERS.pattern}$", URL_CHARACTERS_MESSAGE.replace("%", "%%"))


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-H[12]$", "example": "2026-H2"})
class PeriodCodeField(serializers.SlugRelatedField):
    """A period by its code; a malformed code is told its form, an unknown one that it does not exist."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Period.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(r"\d{4}-H[12]", data):
            self.fail("invalid")
        return super().to_internal_value(data)

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "invalid": "A period code: the year, a dash and H1 or H2, e.g. 2026-H2.",
    }


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, instead of silently dropping them (nested items too)."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and any("\x00" in str(name) for name in data):
            # Not echoed back: an error naming the field would carry the NUL into the stored idempotent answer.
            raise serializers.ValidationError({"non_field_errors": ["Field names may not hold null characters."]})
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        with_nul = sorted(name for name, value in data.items() if _has_nul(value)) if isinstance(data, dict) else []
        if with_nul:
            # Refused before any lookup: PostgreSQL cannot compare text holding NUL.
            raise serializers.ValidationError({name: ["Null characters are not allowed."] for name in with_nul})
        # DRF turns a number sent for a text into that text ({"title": 0} -> "0"); the schema says string, so refuse.
        not_text = sorted(
            name
            for name, field in self.fields.items()
            if isinstance(data, dict)
            and isinstance(field, serializers.CharField | serializers.ChoiceField)
            and name in data
            and data[name] is not None
            and not isinstance(data[name], str)
        )
        if not_text:
            raise serializers.ValidationError({name: ["Not a valid string."] for name in not_text})
        return super().to_internal_value(data)


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value if not isinstance(v, dict))
    return False


@extend_schema_field(MEMBER_STATES_SCHEMA)
class MemberStatesField(serializers.DictField):
    # Each status is checked here, as the schema's enum says, so a wrong one is a 400 before anything else.
    child = serializers.ChoiceField(choices=MemberStateProgress.Status.choices)


class PeriodSerializer(serializers.ModelSerializer):
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)

    class Meta:
        model = Period
        fields = ["code", "year", "half", "state", "deadline", "starts_on", "ends_on"]


class ExpectedReportSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")
    initiative = serializers.IntegerField(source="initiative_id")
    initiative_code = serializers.CharField(source="initiative.code")
    title = serializers.CharField(source="initiative.short_title")
    output = serializers.IntegerField(source="output_id", allow_null=True)
    output_position = serializers.IntegerField(source="output.position", default=None, allow_null=True)
    body = serializers.CharField(source="body.acronym")
    received = serializers.BooleanField(help_text="An update was submitted or accepted.")
    update = serializers.SerializerMethodField(help_text="The body's update on this line, if any: id and state.")

    class Meta:
        model = ExpectedReport
        fields = [
            "id",
            "period",
            "initiative",
            "initiative_code",
            "title",
            "output",
            "output_position",
            "body",
            "carried_over",
            "received",
            "update",
        ]

    @extend_schema_field(
        {"type": "object", "nullable": True, "properties": {"id": {"type": "integer"}, "state": {"type": "string"}}}
    )
    def get_update(self, entry):
        update = next(iter(entry.updates.all()), None)
        return {"id": update.pk, "state": update.state} if update else None


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "title",
            "url",
            "filename",
            "content_type",
            "size",
            "sha256",
            "added_at",
            "download",
            "disclosure",
            "restriction_reason",
            "disclosure_confirmed",
        ]
        extra_kwargs = {
            "disclosure": {"help_text": "Whether the public may open it once the update is accepted."},
            "restriction_reason": {"help_text": "Why the public may not open it; shown publicly in its place."},
            "disclosure_confirmed": {
                "help_text": "True once the reviewer accepting the update (or the Secretariat) confirmed the choice."
            },
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download(self, evidence):
        if evidence.kind != Evidence.Kind.FILE:
            return None
        request = self.context.get("request")
        url = evidence.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class UpdateSerializer(serializers.ModelSerializer):
    """An implementation update as the API shows it."""

    initiative = serializers.IntegerField(source="initiative_id")
    initiative_code = serializers.CharField(source="initiative.code")
    output = serializers.IntegerField(source="output_id", allow_null=True)
    period = serializers.CharField(source="period.code")
    body = serializers.CharField(source="body.acronym", default=None, allow_null=True)
    member_states = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)
    author = serializers.CharField(source="author.username", default=None, allow_null=True)
    reviewer = serializers.CharField(source="reviewer.username", default=None, allow_null=True)

    class Meta:
        model = Update
        fields = [
            "id",
            "initiative",
            "initiative_code",
            "output",
            "period",
            "body",
            "status",
            "progress",
            "as_of",
            "narrative",
            "next_steps",
            "blockers",
            "reason",
            "reason_explanation",
            "member_states",
            "evidence",
            "state",
            "version",
            "late",
            "on_behalf",
            "baseline",
            "author",
            "reviewer",
            "review_comment",
            "created_at",
            "updated_at",
            "submitted_at",
            "reviewed_at",
        ]

    @extend_schema_field(MEMBER_STATES_SCHEMA)
    def get_member_states(self, update):
        return {p.member_state.code: p.status for p in update.member_state_progress.all()}


class UpdateContentSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Status.choices)
    progress = serializers.IntegerField(help_text="0 to 100; 100 only when completed.")
    as_of = serializers.DateField(required=False, allow_null=True)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE_MAX_LENGTH)
    next_steps = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)
    blockers = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH)
    reason = serializers.ChoiceField(choices=Reason.choices, required=False, allow_blank=True)
    reason_explanation = serializers.CharField(required=False, allow_blank=True, max_length=EXPLANATION_MAX_LENGTH)
    member_states = MemberStatesField(required=False)

    CONTENT = UPDATE_FIELDS

    def values(self):
        return {k: v for k, v in self.validated_data.items() if k in self.CONTENT}

    def per_member_state(self):
        return self.validated_data.get("member_states")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A submitted update",
            request_only=True,
            value={
                "initiative": 2,
                "period": "2026-H2",
                "status": "in_progress",
                "progress": 40,
                "narrative": "Consultations held with all ten Member States.",
                "submit": True,
            },
        ),
    ]
)
class UpdateCreateSerializer(UpdateContentSerializer):
    initiative = serializers.PrimaryKeyRelatedField(queryset=Initiative.objects.all())
    output = serializers.PrimaryKeyRelatedField(queryset=Output.objects.all(), required=False, allow_null=True)
    period = PeriodCodeField()
    body = serializers.SlugRelatedField(
        slug_field="acronym",
        queryset=Body.objects.all(),
        required=False,
        help_text="The reporting body; defaults to the caller's own.",
    )
    submit = serializers.BooleanField(default=False, help_text="Submit for review at once instead of saving a draft.")


class UpdatePatchSerializer(UpdateContentSerializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    progress = serializers.IntegerField(required=False)


class ReturnSerializer(StrictSerializer):
    comment = serializers.CharField(
        help_text="What needs revising; the body sees it.", max_length=NOTE_MAX_LENGTH, validators=[NOT_BLANK]
    )


class BulkItemSerializer(UpdateContentSerializer):
    initiative = serializers.PrimaryKeyRelatedField(queryset=Initiative.objects.all())
    output = serializers.PrimaryKeyRelatedField(queryset=Output.objects.all(), required=False, allow_null=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "TELSOM files two lines",
            request_only=True,
            value={
                "period": "2026-H2",
                "body": "TELSOM",
                "submit": True,
                "updates": [
                    {"initiative": 1, "status": "in_progress", "progress": 50, "narrative": "Mapping under way."},
                    {
                        "initiative": 3,
                        "status": "completed",
                        "progress": 100,
                        "narrative": "USO 2.0 framework adopted.",
                    },
                ],
            },
        ),
    ]
)
class BulkSerializer(StrictSerializer):
    period = PeriodCodeField()
    body = serializers.SlugRelatedField(slug_field="acronym", queryset=Body.objects.all(), required=False)
    submit = serializers.BooleanField(default=True)
    updates = BulkItemSerializer(many=True, allow_empty=False)


def restriction_reason_field(**kwargs):
    """Absent or null: the public may open it. A reason: restricted, and the public reads the reason instead."""
    return serializers.CharField(
        allow_null=True,
        max_length=RESTRICTION_REASON_MAX_LENGTH,
        validators=[NOT_BLANK],
        help_text="Leave out (or null) to let the public open it once the update is accepted; give a reason to "
        "restrict it: the public then sees only that it exists and this reason.",
        **kwargs,
    )


def disclosure_of(reason):
    """The services' (disclosure, reason) for the API's `restriction_reason`: absent or null means public."""
    return (Evidence.Disclosure.RESTRICTED, reason) if reason else (Evidence.Disclosure.PUBLIC, "")


class DisclosureSerializer(StrictSerializer):
    restriction_reason = restriction_reason_field()


class EvidenceDisclosureSerializer(DisclosureSerializer):
    id = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The evidence's `id` on this update (404 if it is not on it)."
    )


class AcceptSerializer(StrictSerializer):
    overrule_correction = serializers.BooleanField(
        default=False,
        help_text="Accept even though the update contradicts the ASEAN Secretariat's standing correction of the "
        "line's status (without it, such an acceptance answers 409 and says which correction).",
    )
    evidence = EvidenceDisclosureSerializer(
        many=True,
        required=False,
        help_text="The reviewer's decision on the evidence whose proposed disclosure they change; accepting "
        "confirms every other piece of evidence as its filer proposed.",
    )


class EvidenceLinkSerializer(StrictSerializer):
    restriction_reason = restriction_reason_field(required=False)
    kind = serializers.ChoiceField(choices=[("link", "Link"), ("meeting", "Meeting reference")], default="link")
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, validators=[NOT_BLANK])
    url = serializers.URLField(
        required=False,
        allow_blank=True,
        max_length=URL_MAX_LENGTH,
        validators=[URL_CHARACTERS],
        help_text="Required for a link. Characters outside RFC 3986 (spaces, quotes, < >) must be percent-encoded.",
    )


class EvidenceFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, DOCX, XLSX, PNG or JPEG, at most 10 MB.")
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX_LENGTH)
    restriction_reason = restriction_reason_field(required=False)
