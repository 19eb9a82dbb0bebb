"""The API of negotiations in the open: anyone reads the public parts (throttled per address, like open data);
Secretariat systems write through the same services as the pages (anyone else gets 401/403)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response as ApiResponse

from accounts.throttling import ClientRateThrottle, PublicRateThrottle
from workprogramme.models import Initiative, MemberState

from . import services
from .filters import ConsultationFilter, DocumentFilter, MeetingFilter
from .models import (
    Chapter,
    Consultation,
    DisclosureDecision,
    DisclosureRequest,
    Document,
    DocumentVersion,
    Meeting,
    Negotiation,
    Organisation,
    RejectionReason,
    Response,
    RestrictionReason,
    Round,
)

PUBLIC = {"auth": [{}], "tags": ["Negotiations in the open"]}
WRITE = {"tags": ["Negotiations in the open"]}


class ReadOrSignedIn(BasePermission):
    """Anyone reads; writing needs a login (401/403 otherwise), and the services decide who may."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)


class PublicReadMixin:
    permission_classes = [ReadOrSignedIn]
    throttle_classes = [PublicRateThrottle, ClientRateThrottle]


class RoundSerializer(serializers.ModelSerializer):
    host = serializers.CharField(source="host.code", default=None, allow_null=True)

    class Meta:
        model = Round
        fields = ["number", "starts_on", "ends_on", "host", "venue"]


class ChapterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chapter
        fields = ["number", "title"]


class NegotiationSerializer(serializers.ModelSerializer):
    programmes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    initiatives = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    rounds = RoundSerializer(many=True, read_only=True)
    chapters = ChapterSerializer(many=True, read_only=True)

    class Meta:
        model = Negotiation
        fields = [
            "code",
            "title",
            "summary",
            "mandate",
            "launched_on",
            "state",
            "programmes",
            "initiatives",
            "rounds",
            "chapters",
            "source",
        ]


@extend_schema_view(list=extend_schema(**PUBLIC), retrieve=extend_schema(**PUBLIC))
class NegotiationViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Negotiation.objects.prefetch_related("programmes", "initiatives", "rounds__host", "chapters")
    serializer_class = NegotiationSerializer
    lookup_field = "code"


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisclosureDecision
        fields = ["decided_at", "from_state", "to_state", "reason", "explanation", "review_on"]


class VersionSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = ["id", "number", "label", "dated", "text", "filename", "disclosed_at", "download"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download(self, version):
        return f"/negotiations/versions/{version.pk}/download/" if version.file else None


class DocumentSerializer(serializers.ModelSerializer):
    """A register entry's public fields: what it is and its disclosure state, whatever the state."""

    negotiation = serializers.CharField(source="negotiation.code")
    round = serializers.IntegerField(source="round.number", default=None, allow_null=True)
    chapter = serializers.IntegerField(source="chapter.number", default=None, allow_null=True)
    initiative = serializers.CharField(source="initiative.code", default=None, allow_null=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "negotiation",
            "kind",
            "title",
            "description",
            "round",
            "chapter",
            "initiative",
            "author",
            "dated",
            "requested_on",
            "requested_as",
            "disclosure",
            "public_since",
            "restriction_reason",
            "restriction_explanation",
            "review_on",
        ]


class DocumentDetailSerializer(DocumentSerializer):
    versions = serializers.SerializerMethodField(help_text="Public versions only, in order.")
    decisions = DecisionSerializer(many=True, read_only=True, help_text="The disclosure log.")

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "versions", "decisions"]

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, document):
        return VersionSerializer(DocumentVersion.objects.public().filter(document=document), many=True).data


class DecideSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=services.DECIDABLE_CHOICES)
    explanation = serializers.CharField(max_length=2000, help_text="Published with the decision.")
    reason = serializers.ChoiceField(choices=RestrictionReason.choices, required=False, default="")
    review_on = serializers.DateField(required=False, allow_null=True, default=None)


class VersionCreateSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=500000)
    file = serializers.FileField(required=False, allow_null=True, default=None)
    label = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    dated = serializers.DateField(required=False, allow_null=True, default=None)
    publish = serializers.BooleanField(required=False, default=False)


@extend_schema_view(
    list=extend_schema(
        **PUBLIC,
        description="Every register entry, public, restricted (with reason and review date), pending or requested.",
    ),
    retrieve=extend_schema(**PUBLIC, responses=DocumentDetailSerializer),
)
class DocumentViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Document.objects.in_register().prefetch_related("decisions")
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter

    def get_serializer_class(self):
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer

    @extend_schema(
        **WRITE,
        summary="Decide a document's disclosure",
        request=DecideSerializer,
        responses={200: DocumentDetailSerializer, 409: OpenApiResponse(description="Already in that state.")},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.disclosure_decide(user=request.user, document=self.get_object(), **data.validated_data)
        return ApiResponse(DocumentDetailSerializer(Document.objects.get(pk=pk)).data)

    @extend_schema(
        **WRITE,
        summary="Add the next version (text and/or file)",
        request={"multipart/form-data": VersionCreateSerializer, "application/json": VersionCreateSerializer},
        responses={201: VersionSerializer, 409: OpenApiResponse(description="Publishing a non-public document.")},
    )
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        data = VersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = services.version_add(
            user=request.user, document=self.get_object(), upload=values.pop("file"), **values
        )
        return ApiResponse(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class ConsultationSerializer(serializers.ModelSerializer):
    negotiation = serializers.CharField(source="negotiation.code")
    member_state = serializers.CharField(source="member_state.code", default=None, allow_null=True)
    chapter = serializers.IntegerField(source="chapter.number", default=None, allow_null=True)
    initiative = serializers.CharField(source="initiative.code", default=None, allow_null=True)
    questions = serializers.ListField(source="question_list", child=serializers.CharField())
    state = serializers.CharField(source="state_label")

    class Meta:
        model = Consultation
        fields = [
            "id",
            "negotiation",
            "title",
            "summary",
            "version",
            "chapter",
            "initiative",
            "member_state",
            "opens_on",
            "closes_on",
            "questions",
            "state",
        ]


class ConsultationCreateSerializer(serializers.Serializer):
    negotiation = serializers.SlugRelatedField(slug_field="code", queryset=Negotiation.objects.all())
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    version = serializers.PrimaryKeyRelatedField(
        queryset=DocumentVersion.objects.all(), required=False, allow_null=True, default=None
    )
    chapter = serializers.PrimaryKeyRelatedField(
        queryset=Chapter.objects.all(), required=False, allow_null=True, default=None
    )
    initiative = serializers.SlugRelatedField(
        slug_field="code", queryset=Initiative.objects.all(), required=False, allow_null=True, default=None
    )
    member_state = serializers.SlugRelatedField(
        slug_field="code", queryset=MemberState.objects.all(), required=False, allow_null=True, default=None
    )
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    questions = serializers.CharField(max_length=10000, help_text="One question a line.")


class PublicResponseSerializer(serializers.ModelSerializer):
    """Never the name, the email or the address."""

    author = serializers.CharField(source="public_author")
    country = serializers.CharField(source="country.code", default=None, allow_null=True)
    replies = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = ["id", "author", "organisation_kind", "country", "text", "submitted_at", "replies"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_replies(self, response):
        return [reply.text for reply in response.replies.all()]


@extend_schema_view(list=extend_schema(**PUBLIC), retrieve=extend_schema(**PUBLIC))
class ConsultationViewSet(PublicReadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Consultation.objects.public().select_related("negotiation", "member_state", "chapter", "initiative")
    serializer_class = ConsultationSerializer
    filterset_class = ConsultationFilter

    @extend_schema(**WRITE, summary="Open a consultation", request=ConsultationCreateSerializer)
    def create(self, request):
        data = ConsultationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = services.consultation_create(user=request.user, **data.validated_data)
        return ApiResponse(ConsultationSerializer(consultation).data, status=status.HTTP_201_CREATED)

    @extend_schema(**PUBLIC, summary="Published responses, with the Secretariat's replies")
    @action(detail=True, methods=["get"], serializer_class=PublicResponseSerializer, filterset_class=None)
    def responses(self, request, pk=None):
        consultation = self.get_object()
        responses = consultation.responses.public().prefetch_related("replies")
        page = self.paginate_queryset(responses)
        return self.get_paginated_response(PublicResponseSerializer(page, many=True).data)


class ModerateSerializer(serializers.Serializer):
    publish = serializers.BooleanField()
    reason = serializers.ChoiceField(choices=RejectionReason.choices, required=False, default="")


class PublicRequestSerializer(serializers.ModelSerializer):
    negotiation = serializers.CharField(source="negotiation.code")
    days_taken = serializers.IntegerField(allow_null=True)

    class Meta:
        model = DisclosureRequest
        fields = [
            "id",
            "negotiation",
            "subject",
            "document",
            "text",
            "verified_at",
            "answer",
            "answer_text",
            "refusal_reason",
            "answered_at",
            "days_taken",
        ]


class AnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=DisclosureRequest.Answer.choices)
    text = serializers.CharField(max_length=2000)
    refusal_reason = serializers.ChoiceField(choices=RestrictionReason.choices, required=False, default="")


@extend_schema_view(list=extend_schema(**PUBLIC), retrieve=extend_schema(**PUBLIC))
class DisclosureRequestViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        DisclosureRequest.objects.public()
        .select_related("negotiation")
        .only(*DisclosureRequest.PUBLIC_FIELDS, "negotiation__code")
    )
    serializer_class = PublicRequestSerializer

    @extend_schema(**WRITE, summary="Answer a request", request=AnswerSerializer, responses=PublicRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = _submission(DisclosureRequest, pk)
        services.request_answer(user=request.user, request=target, **data.validated_data)
        return ApiResponse(PublicRequestSerializer(DisclosureRequest.objects.get(pk=pk)).data)

    @extend_schema(**WRITE, summary="Publish or reject a request", request=ModerateSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        return _moderate(request, _submission(DisclosureRequest, pk))


class ResponseModerationViewSet(viewsets.GenericViewSet):
    """Moderation of consultation responses (the public reads them under their consultation)."""

    queryset = Response.objects.none()
    serializer_class = ModerateSerializer

    @extend_schema(**WRITE, summary="Publish or reject a response", request=ModerateSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        return _moderate(request, _submission(Response, pk))


def _submission(model, pk):
    # Moderation and answers reach what the public may not see yet, so not through the public queryset.
    return get_object_or_404(model, pk=pk)


def _moderate(request, submission):
    data = ModerateSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    services.submission_moderate(user=request.user, submission=submission, **data.validated_data)
    return ApiResponse(status=status.HTTP_204_NO_CONTENT)


class OrganisationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", default=None, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "country", "scope", "kind"]


class MeetingSerializer(serializers.ModelSerializer):
    negotiation = serializers.CharField(source="negotiation.code")
    round = serializers.IntegerField(source="round.number", default=None, allow_null=True)
    organisations = OrganisationSerializer(many=True, read_only=True)
    agenda = DocumentSerializer(read_only=True, allow_null=True)
    minutes = DocumentSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "negotiation",
            "held_on",
            "place",
            "online",
            "held_with",
            "subject",
            "round",
            "organisations",
            "agenda",
            "minutes",
        ]


class MeetingCreateSerializer(serializers.Serializer):
    negotiation = serializers.SlugRelatedField(slug_field="code", queryset=Negotiation.objects.all())
    held_on = serializers.DateField()
    held_with = serializers.ChoiceField(choices=Meeting.With.choices)
    subject = serializers.CharField(max_length=300)
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    online = serializers.BooleanField(required=False, default=False)
    organisations = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False, default=list
    )
    agenda = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(), required=False, allow_null=True, default=None
    )
    minutes = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(), required=False, allow_null=True, default=None
    )


@extend_schema_view(list=extend_schema(**PUBLIC), retrieve=extend_schema(**PUBLIC))
class MeetingViewSet(PublicReadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Meeting.objects.select_related(
        "negotiation", "round", "agenda__negotiation", "minutes__negotiation"
    ).prefetch_related("organisations__country")
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    @extend_schema(**WRITE, summary="Record a meeting", request=MeetingCreateSerializer)
    def create(self, request):
        data = MeetingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.meeting_record(user=request.user, **data.validated_data)
        return ApiResponse(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(**PUBLIC), retrieve=extend_schema(**PUBLIC))
class OrganisationViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.select_related("country")
    serializer_class = OrganisationSerializer
