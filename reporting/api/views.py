"""The REST API for sectoral bodies' systems: thin views over the same services as the browser."""

import re

import django_filters
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.parsers import JSONParser
from idempotency.decorators import idempotent
from workprogramme.filters import CodeFilter, PeriodFilter, StrictFilterSet
from workprogramme.models import Body

from .. import services, spreadsheets
from ..filters import UpdateFilter
from ..models import Evidence, ExpectedReport, Period, Update
from . import serializers as s

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string per request: a retry with the same key and body gets the same answer and "
    "never creates a second record.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the update as last read, e.g. "3".',
)
ERRORS = {
    400: OpenApiResponse(description="Invalid input: field-level messages."),
    401: OpenApiResponse(description="No valid token."),
    403: OpenApiResponse(description="Not allowed for this caller; `detail` says why."),
    404: OpenApiResponse(description="No such record."),
    429: OpenApiResponse(description="Too many requests for this token."),
}


def _disclosure(reason):
    """The services' disclosure arguments for the API's `restriction_reason` (absent or null: public)."""
    return dict(zip(("disclosure", "restriction_reason"), s.disclosure_of(reason), strict=True))


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = (
        'Send If-Match with the ETag you read (e.g. If-Match: "3"), so that no one\'s change is overwritten.'
    )


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = "The update changed since you read it: GET it again, then repeat your change."


def version_from(header):
    """The version in an If-Match header ("3", W/"3" or 3); None when absent, 400 when unreadable."""
    if not header:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit()):  # "³".isdigit() is true, but int() refuses it
        # Malformed, not stale: a 400, as the schema's pattern for If-Match says.
        raise ValidationError({"If-Match": [f'The ETag of the update, such as "3"; got {header!r}.']})
    return int(value)


def etag(update):
    return f'"{update.version}"'


WRONG_STATE = OpenApiResponse(
    description="The update's state does not allow this step (`detail` says which state it is in); "
    "or a request with the same Idempotency-Key is still being handled."
)


@extend_schema_view(
    list=extend_schema(summary="Reporting periods", responses={200: s.PeriodSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="One reporting period", responses={200: s.PeriodSerializer, **ERRORS}),
)
class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Period.objects.all()
    serializer_class = s.PeriodSerializer
    lookup_field = "code"
    filterset_fields = ["state", "year"]


class ExpectedReportFilter(StrictFilterSet):
    period = PeriodFilter(queryset=Period.objects.all(), to_field_name="code")
    body = CodeFilter(queryset=Body.objects.all(), to_field_name="acronym")
    received = django_filters.BooleanFilter()

    class Meta:
        model = ExpectedReport
        fields = ["period", "body", "received"]


@extend_schema_view(
    list=extend_schema(
        summary="What bodies owe",
        description="Expected reports; `?period=2026-H2&body=TELSOM&received=false` is what TELSOM still owes.",
        responses={200: s.ExpectedReportSerializer(many=True), **ERRORS},
    ),
)
class ExpectedReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ExpectedReportSerializer
    filterset_class = ExpectedReportFilter
    queryset = (
        ExpectedReport.objects.with_receipt()
        .select_related("period", "initiative", "output", "body")
        .prefetch_related(Prefetch("updates", Update.objects.only("id", "state", "expected_id")))
        .order_by("period__year", "period__half", "body__acronym", "initiative__position", "output__position")
    )


def _body_for(request, given):
    body = given or getattr(request.user, "body", None)
    if body is None:
        raise ValidationError({"body": "Say which body this is for (an acronym such as TELSOM)."})
    return body


@extend_schema_view(
    list=extend_schema(summary="Implementation updates", responses={200: s.UpdateSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="One update (with its ETag)", responses={200: s.UpdateSerializer, **ERRORS}),
)
class UpdateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.UpdateSerializer
    filterset_class = UpdateFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = (
        Update.objects.select_related("period", "initiative", "output", "body", "author", "reviewer")
        .prefetch_related("member_state_progress__member_state", "evidence")
        .order_by("-period__year", "-period__half", "initiative__position", "pk")
    )

    def _answer(self, update, code=status.HTTP_200_OK):
        update = self.get_queryset().get(pk=update.pk)
        return Response(self.get_serializer(update).data, status=code, headers={"ETag": etag(update)})

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    @extend_schema(
        summary="File an update (a draft, or submitted at once)",
        request=s.UpdateCreateSerializer,
        parameters=[IDEMPOTENCY],
        responses={
            201: s.UpdateSerializer,
            409: OpenApiResponse(
                description="The body already has an update on this line for the period (edit that one), another "
                "request filed it at that moment, or this key is in use."
            ),
            **ERRORS,
        },
    )
    @idempotent
    def create(self, request):
        data = s.UpdateCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        update = services.update_create(
            user=request.user,
            period=v["period"],
            initiative=v["initiative"],
            output=v.get("output"),
            body=_body_for(request, v.get("body")),
            values=data.values(),
            member_states=data.per_member_state(),
            submit=v["submit"],
        )
        return self._answer(update, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft, returned or withdrawn update",
        request=s.UpdatePatchSerializer,
        parameters=[IF_MATCH],
        responses={
            200: s.UpdateSerializer,
            412: OpenApiResponse(description="Changed since read."),
            428: OpenApiResponse(description="If-Match missing."),
            **ERRORS,
        },
    )
    def partial_update(self, request, pk=None):
        update = self.get_object()
        version = version_from(request.headers.get("If-Match"))
        # A malformed change is refused as such (400) before its version is compared (428, 412).
        data = s.UpdatePatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if version is None:
            raise PreconditionRequired()
        if version != update.version:
            raise PreconditionFailed()
        update = services.update_edit(
            user=request.user,
            update=update,
            values=data.values(),
            version=version,
            member_states=data.per_member_state(),
        )
        return self._answer(update)

    def _act(self, request, service, **extra):
        update = self.get_object()
        version = version_from(request.headers.get("If-Match"))
        return self._answer(service(user=request.user, update=update, version=version, **extra))

    @extend_schema(
        summary="Submit for review",
        request=None,
        parameters=[IDEMPOTENCY],
        responses={200: s.UpdateSerializer, 409: WRONG_STATE, **ERRORS},
        description="A draft, returned or withdrawn update may be submitted; any other state answers 409.",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request, pk=None):
        return self._act(request, services.update_submit)

    @extend_schema(
        summary="Withdraw a submitted update before review",
        request=None,
        parameters=[IDEMPOTENCY],
        responses={200: s.UpdateSerializer, 409: WRONG_STATE, **ERRORS},
        description="Only a submitted update not yet reviewed may be withdrawn; any other state answers 409.",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def withdraw(self, request, pk=None):
        return self._act(request, services.update_withdraw)

    @extend_schema(
        summary="Accept (ACCEC reviewers)",
        request=s.AcceptSerializer,
        parameters=[IDEMPOTENCY],
        responses={200: s.UpdateSerializer, 409: WRONG_STATE, **ERRORS},
        description="Only a submitted update may be accepted; any other state answers 409. Accepting confirms who "
        "may open each piece of evidence: as its filer proposed, or as listed in `evidence` (no body, or no "
        "`evidence`, confirms every proposal).",
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def accept(self, request, pk=None):
        data = s.AcceptSerializer(data=request.data or {})
        data.is_valid(raise_exception=True)
        disclosures = {
            item["id"]: s.disclosure_of(item["restriction_reason"]) for item in data.validated_data.get("evidence", [])
        }
        return self._act(
            request,
            services.update_accept,
            disclosures=disclosures,
            overrule_correction=data.validated_data["overrule_correction"],
        )

    @extend_schema(
        summary="Return for revision with a comment (ACCEC reviewers)",
        request=s.ReturnSerializer,
        parameters=[IDEMPOTENCY],
        responses={200: s.UpdateSerializer, 409: WRONG_STATE, **ERRORS},
        description="Only a submitted update may be returned; any other state answers 409.",
    )
    @action(detail=True, methods=["post"], url_path="return")
    @idempotent
    def return_(self, request, pk=None):
        data = s.ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._act(request, services.update_return, comment=data.validated_data["comment"])

    @extend_schema(
        summary="File a body's updates for a period: all or none",
        request=s.BulkSerializer,
        parameters=[IDEMPOTENCY],
        responses={
            201: s.UpdateSerializer(many=True),
            400: OpenApiResponse(description="`errors`: for each refused item, its index and messages."),
            409: OpenApiResponse(
                description="Every refused item collided with other requests (a line filed, submitted or saved "
                "meanwhile); `errors` as for 400, nothing saved."
            ),
            **{k: v for k, v in ERRORS.items() if k not in (400, 409)},
        },
    )
    # It answers a plain list of what it filed: no filters, no pages (the schema said otherwise, and a generated client
    # had two `body` arguments, the filter and the request body, and did not even import).
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    @idempotent
    def bulk(self, request):
        data = s.BulkSerializer(data=request.data)
        if not data.is_valid():
            errors = dict(data.errors)
            items = errors.pop("updates", None)
            # DRF reports a list's errors either as a list or as a dict keyed by position.
            if isinstance(items, list) and all(isinstance(e, dict) for e in items):
                items = {i: e for i, e in enumerate(items) if e}
            if isinstance(items, dict) and all(str(i).isdigit() for i in items):
                listed = [{"index": int(i), "errors": e} for i, e in sorted(items.items(), key=lambda kv: int(kv[0]))]
                body = {"detail": f"{len(listed)} item(s) refused; nothing was saved.", "errors": listed, **errors}
                return Response(body, status=status.HTTP_400_BAD_REQUEST)
            raise ValidationError({**errors, **({"updates": items} if items else {})})
        v = data.validated_data
        items = [
            {
                "initiative": item["initiative"],
                "output": item.get("output"),
                "values": {k: val for k, val in item.items() if k in s.UpdateContentSerializer.CONTENT},
                "member_states": item.get("member_states"),
            }
            for item in v["updates"]
        ]
        updates = services.bulk_file(
            user=request.user,
            period=v["period"],
            body=_body_for(request, v.get("body")),
            items=items,
            submit=v["submit"],
        )
        fresh = self.get_queryset().filter(pk__in=[u.pk for u in updates])
        return Response(self.get_serializer(fresh, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add evidence: a link or meeting reference (JSON), or a file (multipart `file`)",
        request={"application/json": s.EvidenceLinkSerializer, "multipart/form-data": s.EvidenceFileSerializer},
        parameters=[IDEMPOTENCY],
        responses={201: s.EvidenceSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def evidence(self, request, pk=None):
        update = self.get_object()
        if "file" in request.FILES:
            data = s.EvidenceFileSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            item = services.evidence_add_file(
                user=request.user,
                update=update,
                title=data.validated_data.get("title", ""),
                upload=data.validated_data["file"],
                **_disclosure(data.validated_data.get("restriction_reason")),
            )
        else:
            data = s.EvidenceLinkSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            fields = dict(data.validated_data)
            disclosure = _disclosure(fields.pop("restriction_reason", None))
            item = services.evidence_add_link(user=request.user, update=update, **fields, **disclosure)
        return Response(s.EvidenceSerializer(item, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove evidence from an update",
        description="The body removes evidence from an update it can still add evidence to; the ASEAN Secretariat "
        "from any update, accepted ones included. A `reason` is required unless the body is changing its own "
        "editable update; it is written in the update's comments and history. Answers the update, with its new ETag.",
        request=None,
        parameters=[
            OpenApiParameter(
                "evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The evidence's `id`."
            ),
            OpenApiParameter(
                "reason",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                description=f"Why it is removed, at most {services.MAX_EVIDENCE_REMOVAL_REASON} characters.",
            ),
        ],
        responses={200: s.UpdateSerializer, **ERRORS},
    )
    @action(detail=True, methods=["delete"], url_path=r"evidence/(?P<evidence_id>[0-9]+)")
    def evidence_remove(self, request, pk=None, evidence_id=None):
        update = self.get_object()
        evidence = get_object_or_404(Evidence, pk=evidence_id, update=update)
        return self._answer(
            services.evidence_remove(
                user=request.user, evidence=evidence, reason=request.query_params.get("reason", "")
            )
        )

    @extend_schema(
        summary="Change who may open a piece of evidence",
        description="The filing body changes its proposal while it can still add evidence; an ACCEC reviewer before "
        "accepting; the ASEAN Secretariat at any time, accepted updates included (its choice takes effect at once). "
        "Answers the update, with its new ETag.",
        request=s.DisclosureSerializer,
        parameters=[
            OpenApiParameter("evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The evidence's `id`.")
        ],
        responses={200: s.UpdateSerializer, **ERRORS},
    )
    @evidence_remove.mapping.patch
    def evidence_disclosure(self, request, pk=None, evidence_id=None):
        update = self.get_object()
        evidence = get_object_or_404(Evidence, pk=evidence_id, update=update)
        data = s.DisclosureSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.evidence_set_disclosure(
            user=request.user, evidence=evidence, **_disclosure(data.validated_data["restriction_reason"])
        )
        return self._answer(self.get_object())

    @extend_schema(
        summary="Spreadsheet of a body's expected reports for a period, to fill offline",
        parameters=[
            OpenApiParameter("period", str, required=True, pattern=r"^\d{4}-H[12]$", description="e.g. 2026-H2"),
            OpenApiParameter("body", str, description="A body's acronym; defaults to the caller's own."),
        ],
        responses={
            (200, spreadsheets.XLSX): OpenApiTypes.BINARY,
            **ERRORS,
            404: OpenApiResponse(description="No such period or body."),
        },
    )
    @action(detail=False, methods=["get"], url_path="spreadsheet", pagination_class=None, filter_backends=[])
    def spreadsheet(self, request):
        period, body = self._period_and_body(request.query_params)
        return xlsx_response(spreadsheets.build_template(period=period, body=body), period, body)

    @extend_schema(
        summary="Upload the filled spreadsheet: every row filed, or none, with row and column messages",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}, "submit": {"type": "boolean"}},
            }
        },
        parameters=[IDEMPOTENCY],
        responses={
            201: s.UpdateSerializer(many=True),
            200: OpenApiResponse(s.UpdateSerializer(many=True), description="No row differed from what is filed."),
            **ERRORS,
        },
    )
    @spreadsheet.mapping.post
    @idempotent
    def upload_spreadsheet(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "Attach the filled spreadsheet as `file`."})
        submit = str(request.data.get("submit", "true")).lower() in ("1", "true", "yes", "on")
        updates = spreadsheets.file_upload(user=request.user, upload=upload, submit=submit)
        fresh = self.get_queryset().filter(pk__in=[u.pk for u in updates])
        # Nothing differed from what is filed (e.g. a template uploaded unchanged): 200 and no update, not 201.
        done = status.HTTP_201_CREATED if updates else status.HTTP_200_OK
        return Response(self.get_serializer(fresh, many=True).data, status=done)

    def _period_and_body(self, params):
        code = params.get("period", "")
        if not re.fullmatch(r"\d{4}-H[12]", code):
            raise ValidationError({"period": "Name the period, e.g. ?period=2026-H2."})
        period = Period.objects.filter(code=code).first()
        if period is None:  # well formed, and no such period: the spreadsheet does not exist
            raise NotFound({"period": f"No period {code}."})
        given = Body.objects.filter(acronym=params["body"]).first() if params.get("body") else None
        if params.get("body") and given is None:
            raise NotFound({"body": f"Unknown body {params['body']!r}."})
        return period, _body_for(self.request, given)


def xlsx_response(content, period, body):
    response = HttpResponse(content, content_type=spreadsheets.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{body.acronym}-{period.code}-updates.xlsx"'
    return response
