"""The open-data endpoint of accepted updates: anonymous, read-only, throttled per address, public fields only."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticatedOrReadOnly

from accounts.throttling import ClientRateThrottle, PublicRateThrottle

from ..models import Update
from ..public import PublicUpdateFilter, open_data_updates, withheld_summary


class PublicEvidenceSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The link, or the address to download the file.")

    @extend_schema_field(serializers.CharField())
    def get_url(self, evidence):
        # A file's address is the public download (P1 serves it to anonymous visitors for public evidence only).
        return evidence.url if evidence.kind != evidence.Kind.FILE else evidence.get_absolute_url()


class PublicUpdateSerializer(serializers.ModelSerializer):
    """Update.PUBLIC_FIELDS, with codes and acronyms instead of ids; never author, reviewer, notes or comments."""

    period = serializers.CharField(source="period.code")
    initiative = serializers.CharField(source="initiative.code", help_text="The line's code, e.g. AWPEC-16.")
    initiative_title = serializers.CharField(source="initiative.title")
    output = serializers.IntegerField(source="output.position", default=None, allow_null=True)
    body = serializers.CharField(source="body.acronym", default=None, allow_null=True)
    accepted_at = serializers.DateTimeField(source="reviewed_at", allow_null=True)  # the 2019 baseline has none
    evidence = serializers.SerializerMethodField()
    withheld_evidence = serializers.SerializerMethodField()
    member_states = serializers.SerializerMethodField()

    class Meta:
        model = Update
        fields = [
            "period",
            "initiative",
            "initiative_title",
            "output",
            "body",
            "status",
            "progress",
            "as_of",
            "as_of_precision",
            "narrative",
            "reason",
            "reason_explanation",
            "baseline",
            "accepted_at",
            "evidence",
            "withheld_evidence",
            "member_states",
        ]

    @extend_schema_field(PublicEvidenceSerializer(many=True))
    def get_evidence(self, update):
        return PublicEvidenceSerializer(update.public_evidence, many=True).data

    @extend_schema_field(
        {
            "type": "array",
            "description": "Restricted documents: how many, and why the public may not open them.",
            "items": {"type": "object", "properties": {"reason": {"type": "string"}, "count": {"type": "integer"}}},
        }
    )
    def get_withheld_evidence(self, update):
        return withheld_summary(update)

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_member_states(self, update):
        """Per-Member-State statuses, by code: {"VN": "completed", ...}."""
        return {row.member_state.code: row.status for row in update.member_states_public}


@extend_schema_view(
    list=extend_schema(
        auth=[{}],
        tags=["Open data"],
        description=(
            "Accepted updates only, with their public fields. Public: anyone may read this without logging in "
            "(open data, CC BY 4.0); anonymous callers are limited per address (`PUBLIC_API_RATE_LIMIT`)."
        ),
    )
)
class PublicUpdateViewSet(viewsets.GenericViewSet, viewsets.mixins.ListModelMixin):
    # Anyone reads; a write is refused as unauthenticated (401/403) like everywhere else, not 405.
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [PublicRateThrottle, ClientRateThrottle]
    queryset = open_data_updates()
    serializer_class = PublicUpdateSerializer
    filterset_class = PublicUpdateFilter
