"""The progress report API: the same services as the pages, with explicit input and output serializers."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from reporting.api.serializers import StrictSerializer
from reporting.models import Period
from workprogramme.models import Programme

from . import services
from .models import FORMATS, ProgressReport
from .views import attachment


class ReportSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code")
    programme = serializers.CharField(source="programme.code")
    issued_by = serializers.CharField(source="issued_by.get_username")
    url = serializers.CharField(source="get_absolute_url")
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "programme",
            "period",
            "version",
            "title",
            "executive_summary",
            "issued_by",
            "issued_at",
            "state",
            "progress",
            "error",
            "url",
            "downloads",
            "published_at",
            "withdrawn_at",
            "withdrawal_reason",
        ]

    def get_downloads(self, report) -> dict[str, str]:
        if not report.is_ready:
            return {}
        return {format: f"/api/v1/reports/{report.pk}/export/?format={format}" for format in FORMATS}


class ReportCreateSerializer(StrictSerializer):
    period = serializers.SlugRelatedField(slug_field="code", queryset=Period.objects.all())
    title = serializers.CharField(max_length=200)
    executive_summary = serializers.CharField(required=False, allow_blank=True, default="")
    programme = serializers.SlugRelatedField(
        slug_field="code", queryset=Programme.objects.all(), required=False, help_text="Defaults to DIFAP."
    )


class WithdrawSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=500, help_text="Why the report leaves public view; the public keeps seeing this reason."
    )


PUBLICATION_ERRORS = {
    403: OpenApiResponse(description="Not ASEAN Secretariat staff, or not logged in."),
    404: OpenApiResponse(description="No such report."),
    409: inline_serializer("ReportPublicationConflict", {"detail": serializers.CharField()}),
}


class FormatIsAFileType(DefaultContentNegotiation):
    """`?format=pdf` names the export, not a DRF renderer: responses stay JSON (errors) or the file itself."""

    class settings:
        URL_FORMAT_OVERRIDE = None

    def select_renderer(self, request, renderers, format_suffix=None):
        return super().select_renderer(request, renderers, format_suffix=None)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """ACCEC's progress reports: frozen, versioned snapshots of a period's accepted updates."""

    serializer_class = ReportSerializer
    content_negotiation_class = FormatIsAFileType

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no logged-in user
            return ProgressReport.objects.none()
        return services.reports_for(self.request.user)

    @extend_schema(
        summary="Build and issue a progress report",
        description="Issues the next version of the period's report and starts building it in the background. "
        "Only ACCEC reviewers and ASEAN Secretariat staff may; poll the report for `state` and `progress`.",
        request=ReportCreateSerializer,
        responses={
            202: ReportSerializer,
            400: OpenApiResponse(description="Invalid period or title."),
            403: OpenApiResponse(description="Not a reviewer or Secretariat staff, or not logged in."),
        },
    )
    def create(self, request):
        services.check_can_issue(request.user)
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = services.report_issue(user=request.user, **data.validated_data)
        except ValidationError as error:
            raise BadRequest(error.message_dict if hasattr(error, "error_dict") else error.messages) from error
        report.refresh_from_db()
        return Response(ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Retry a failed build",
        description="Builds a failed report again, from the figures it froze if it got that far; it keeps its "
        "version. Only ACCEC reviewers and ASEAN Secretariat staff may; poll the report for `state` and `progress`.",
        request=None,
        responses={
            202: ReportSerializer,
            403: OpenApiResponse(description="Not a reviewer or Secretariat staff, or not logged in."),
            404: OpenApiResponse(description="No such report."),
            409: inline_serializer("ReportNotFailed", {"detail": serializers.CharField()}),
        },
    )
    @action(detail=True, methods=["post"], url_path="retry")
    def retry(self, request, pk=None):
        report = self.get_object()
        try:
            report = services.report_retry(user=request.user, report=report)
        except services.NotFailed as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        report.refresh_from_db()
        return Response(ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Publish a report to the public",
        description="Makes a built report public: its page and downloads open to anyone, and it enters the Atom "
        "feed and the sitemap. Only ASEAN Secretariat staff may; logged with who and when. 409 if the report is "
        "not built, already public, or was withdrawn (issue a new version instead).",
        request=None,
        responses={200: ReportSerializer} | PUBLICATION_ERRORS,
    )
    @action(detail=True, methods=["post"], url_path="publish")
    def publish(self, request, pk=None):
        report = self.get_object()
        try:
            report = services.report_publish(user=request.user, report=report)
        except services.WrongPublicationState as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(ReportSerializer(report).data)

    @extend_schema(
        summary="Withdraw a published report from public view",
        description="Takes a public report out of public view; its title and the reason stay listed publicly, its "
        "page and files answer 404 to the public. Only ASEAN Secretariat staff may; logged with who, when and why. "
        "409 if the report is not public.",
        request=WithdrawSerializer,
        responses={200: ReportSerializer, 400: OpenApiResponse(description="No reason, or too long.")}
        | PUBLICATION_ERRORS,
    )
    @action(detail=True, methods=["post"], url_path="withdraw")
    def withdraw(self, request, pk=None):
        report = self.get_object()
        services.check_can_publish(request.user)
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = services.report_withdraw(user=request.user, report=report, reason=data.validated_data["reason"])
        except services.WrongPublicationState as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except ValidationError as error:
            raise BadRequest(error.message_dict) from error
        return Response(ReportSerializer(report).data)

    @extend_schema(
        summary="Download an export of a report",
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=list(FORMATS), required=True, description="pdf, docx, xlsx or csv"
            ),
        ],
        responses={
            (200, content_type): OpenApiResponse(response=OpenApiTypes.BINARY, description=label)
            for content_type, _, label in FORMATS.values()
        }
        | {
            400: inline_serializer("ReportExportError", {"detail": serializers.CharField()}),
            409: inline_serializer("ReportNotReady", {"detail": serializers.CharField()}),
        },
    )
    @action(detail=True, methods=["get"], url_path="export")
    def export(self, request, pk=None):
        report = self.get_object()
        try:
            file, filename, content_type = services.report_file(
                user=request.user, report=report, format=request.query_params.get("format", "")
            )
        except ValueError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        except services.NotReady as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return attachment(file, filename, content_type)
