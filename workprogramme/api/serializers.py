"""Read-only representations of the catalogue for the API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Area, Body, Initiative, MemberState, Output, Programme, Status


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "title",
            "start_year",
            "end_year",
            "adopted_by",
            "adopted_on",
            "adopted_on_precision",
            "adopted_at",
            "endorsed_by",
            "endorsed_on",
            "endorsed_on_precision",
            "source_document",
        ]


class BodySerializer(serializers.ModelSerializer):
    class Meta:
        model = Body
        fields = ["id", "acronym", "name", "kind"]


class MemberStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberState
        fields = ["id", "code", "name"]


class AreaSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.code")
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True)

    class Meta:
        model = Area
        fields = ["code", "kind", "number", "title", "programme", "parent"]


class ListingSerializer(serializers.Serializer):
    code = serializers.CharField(source="programme.code", help_text="The programme (document) that prints the item.")
    number = serializers.CharField(help_text="The item's number in that document; blank when it prints none.")
    title = serializers.CharField(help_text="The item's wording in that document.")
    area = serializers.CharField(source="area.code")
    timeline = serializers.CharField(source="timeline_as_printed")
    bodies = serializers.CharField(source="bodies_as_printed")


class OutputSerializer(serializers.ModelSerializer):
    bodies = serializers.SlugRelatedField(slug_field="acronym", many=True, read_only=True)

    class Meta:
        model = Output
        fields = ["id", "position", "title", "timeline", "timeline_kind", "target_year", "status", "bodies"]


class InitiativeSerializer(serializers.ModelSerializer):
    programmes = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    bodies = serializers.SerializerMethodField()
    body_roles = serializers.SerializerMethodField()
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True)
    outputs = OutputSerializer(many=True, read_only=True)
    source = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    member_states = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "id",
            "code",
            "title",
            "programmes",
            "area",
            "outcome",
            "parent",
            "bodies",
            "body_roles",
            "assignment",
            "timeline",
            "timeline_kind",
            "target_year",
            "status",
            "overdue",
            "per_member_state",
            "member_states",
            "outputs",
            "source",
        ]

    def _home_listing(self, obj):
        listings = list(obj.listings.all())
        own = [lst for lst in listings if lst.programme_id == obj.programme_id]
        return (own or listings or [None])[0]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "number": {"type": "string"},
                    "area": {"type": "string", "nullable": True, "description": "Null where the document is not ours."},
                    "title": {"type": "string"},
                    "quoted": {"type": "boolean"},
                    "timeline": {"type": "string"},
                    "bodies": {"type": "string"},
                },
            },
        }
    )
    def get_programmes(self, obj):
        """Every programme the item belongs to, with its number there (the defining plan first)."""
        listed = {lst.programme.code: lst for lst in obj.listings.all()}
        rows = []
        if obj.programme.code not in listed:
            # An AWPEC outcome that only DIFAP's quotation prints: AWPEC's number is the quoted one.
            quoted = next(iter(listed.values()))
            rows.append(
                {
                    "code": obj.programme.code,
                    "number": quoted.number,
                    "area": None,
                    "title": quoted.title,
                    "quoted": True,
                    "timeline": "",
                    "bodies": "",
                }
            )
        for lst in sorted(listed.values(), key=lambda lst: lst.programme.position):
            rows.append({**ListingSerializer(lst).data, "quoted": lst.programme_id != obj.programme_id})
        return rows

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "code": {"type": "string"},
                "title": {"type": "string"},
                "programme": {"type": "string"},
            },
        }
    )
    def get_area(self, obj):
        listing = self._home_listing(obj)
        if listing is None:
            return None
        area = listing.area
        return {"code": area.code, "title": area.label, "programme": listing.programme.code}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "code": {"type": "string"},
                "title": {"type": "string"},
                "numbers": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    )
    def get_outcome(self, obj):
        if obj.outcome is None:
            return None
        return {
            "code": obj.outcome.code,
            "title": obj.outcome.title,
            "numbers": {lst.programme.code: lst.number for lst in obj.outcome.listings.all()},
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_bodies(self, obj):
        return [body.acronym for body in obj.ordered_bodies()]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "acronym": {"type": "string"},
                    "role": {"type": "string", "enum": ["lead", "joint", "consulted"]},
                },
            },
        }
    )
    def get_body_roles(self, obj):
        return [{"acronym": r.body.acronym, "role": r.role} for r in obj.responsibilities.all()]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "programme": {"type": "string"},
                "document": {"type": "string"},
                "number": {"type": "string"},
            },
        }
    )
    def get_source(self, obj):
        listing = next((lst for lst in obj.listings.all() if lst.programme_id == obj.source_id), None)
        return {
            "programme": obj.source.code,
            "document": obj.source.source_document,
            "number": listing.number if listing else "",
        }

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj):
        return obj.is_overdue()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_member_states(self, obj):
        return [ms.code for ms in obj.member_states.all()]
