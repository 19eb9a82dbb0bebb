"""Negotiations in the open: public pages at the same addresses for everyone, Secretariat controls when allowed.

Thin views: load through the public selectors (or the staff view when `can_manage`), call services, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import exports, permissions, redline, services
from .filters import DocumentFilter, MeetingFilter, OrganisationFilter
from .forms import (
    AnswerForm,
    ConsultationForm,
    DecisionForm,
    ModerationForm,
    ReplyForm,
    RequestForm,
    ResponseForm,
    SubscribeForm,
    VersionForm,
)
from .models import (
    Consultation,
    DisclosureDecision,
    DisclosureRequest,
    Document,
    DocumentVersion,
    Meeting,
    Moderation,
    Negotiation,
    Organisation,
    Response,
)

REGISTER_PAGE_SIZE = 100


def _refused(form, error):
    """Show a service's refusal on the form: on its field when the form has one, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def _address(request):
    return request.META.get("REMOTE_ADDR", "")


def negotiation_list(request):
    negotiations = Negotiation.objects.annotate(entries=Count("documents"))
    return render(request, "transparency/negotiation_list.html", {"negotiations": negotiations})


def negotiation_detail(request, code):
    negotiation = get_object_or_404(
        Negotiation.objects.prefetch_related("programmes", "initiatives", "rounds__host", "chapters"), code=code
    )
    counts = dict(negotiation.documents.values_list("disclosure").annotate(n=Count("pk")))
    by_state = [(label, counts.get(value, 0), value) for value, label in Document.Disclosure.choices]
    consultations = negotiation.consultations.public()
    return render(
        request,
        "transparency/negotiation_detail.html",
        {
            "negotiation": negotiation,
            "by_state": by_state,
            "consultations": consultations,
            "subscribe_form": SubscribeForm(),
        },
    )


def register(request, code):
    """Every entry, including restricted and requested ones, each with its state and, if restricted, why."""
    negotiation = get_object_or_404(Negotiation, code=code)
    filterset = DocumentFilter(request.GET, queryset=Document.objects.in_register().filter(negotiation=negotiation))
    documents = filterset.qs if filterset.is_valid() else Document.objects.none()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "transparency/register.html",
        {
            "negotiation": negotiation,
            "filter": filterset,
            "page": Paginator(documents, REGISTER_PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
        },
        status=200 if filterset.is_valid() else 400,
    )


def document_detail(request, pk):
    document = get_object_or_404(Document.objects.in_register(), pk=pk)
    manager = permissions.can_manage(request.user)
    versions = document.versions.all() if manager else DocumentVersion.objects.public().filter(document=document)
    decisions = DisclosureDecision.objects.filter(document=document).only(*DisclosureDecision.PUBLIC_FIELDS)
    decision_form = version_form = None
    if manager:
        decision_form, version_form = DecisionForm(prefix="decision"), VersionForm(prefix="version")
        if request.method == "POST":
            try:
                if "decide" in request.POST:
                    decision_form = DecisionForm(request.POST, prefix="decision")
                    if decision_form.is_valid():
                        services.disclosure_decide(user=request.user, document=document, **decision_form.cleaned_data)
                        messages.success(request, "Decision recorded and published in the document's log.")
                        return redirect(document)
                elif "add_version" in request.POST:
                    version_form = VersionForm(request.POST, request.FILES, prefix="version")
                    if version_form.is_valid():
                        data = version_form.cleaned_data
                        version = services.version_add(
                            user=request.user,
                            document=document,
                            text=data["text"],
                            upload=data["file"],
                            label=data["label"],
                            dated=data["dated"],
                            publish=data["publish"],
                        )
                        messages.success(request, f"Version {version.number} added.")
                        return redirect(document)
            except ValidationError as error:
                _refused(decision_form if "decide" in request.POST else version_form, error)
    elif request.method == "POST":
        raise PermissionDenied("Only ASEAN Secretariat staff can change the register.")
    return render(
        request,
        "transparency/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "decisions": decisions,
            "decision_form": decision_form,
            "version_form": version_form,
            "manager": manager,
        },
        status=400 if request.method == "POST" else 200,
    )


def _version_for(request, pk):
    queryset = DocumentVersion.objects.select_related("document__negotiation")
    if not permissions.can_manage(request.user):
        queryset = queryset.public()
    return get_object_or_404(queryset, pk=pk)


def version_detail(request, pk):
    version = _version_for(request, pk)
    if request.method == "POST":
        try:
            services.version_publish(user=request.user, version=version)
            messages.success(request, "Version published.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(version)
    previous = services.previous_public_version(version)
    return render(
        request,
        "transparency/version_detail.html",
        {
            "version": version,
            "document": version.document,
            "pieces": redline.bracketed(version.text),
            "previous": previous,
            "changes": redline.redline(previous.text, version.text) if previous else None,
        },
    )


def version_download(request, pk):
    """Files are always sent as attachments, never rendered by the browser."""
    version = _version_for(request, pk)
    if not version.file:
        raise Http404
    response = FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.filename, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def stakeholders(request):
    filterset = OrganisationFilter(request.GET, queryset=Organisation.objects.select_related("country"))
    organisations = filterset.qs if filterset.is_valid() else Organisation.objects.none()
    return render(
        request,
        "transparency/stakeholders.html",
        {"filter": filterset, "organisations": organisations},
        status=200 if filterset.is_valid() else 400,
    )


def meetings(request):
    """Who met whom on which negotiation, with links to the agenda and minutes in the register (and their state)."""
    queryset = Meeting.objects.select_related("negotiation", "round", "agenda", "minutes").prefetch_related(
        "organisations__country"
    )
    filterset = MeetingFilter(request.GET, queryset=queryset)
    return render(
        request,
        "transparency/meeting_list.html",
        {"filter": filterset, "meetings": filterset.qs if filterset.is_valid() else Meeting.objects.none()},
        status=200 if filterset.is_valid() else 400,
    )


def requests_list(request, code):
    """Published requests and their answers; anyone may ask (confirmed by email, then moderated)."""
    negotiation = get_object_or_404(Negotiation, code=code)
    form = RequestForm(negotiation=negotiation)
    if request.method == "POST":
        form = RequestForm(request.POST, negotiation=negotiation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if not data["website"]:  # a filled honeypot is answered as usual, and nothing is kept
                    services.request_submit(
                        negotiation=negotiation,
                        subject=data["subject"],
                        document=data["document"],
                        text=data["text"],
                        name=data["name"],
                        email=data["email"],
                        organisation=data["organisation"],
                        address=_address(request),
                    )
                return render(request, "transparency/check_email.html", {"negotiation": negotiation})
            except ValidationError as error:
                _refused(form, error)
    published = (
        DisclosureRequest.objects.public()
        .filter(negotiation=negotiation)
        .select_related("document")
        .only(*DisclosureRequest.PUBLIC_FIELDS, "document__title", "document__id")
    )
    return render(
        request,
        "transparency/request_list.html",
        {"negotiation": negotiation, "requests": published, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def verify(request, token):
    submission = services.submission_verify(token)
    if submission is None:
        raise Http404("This confirmation link is not valid.")
    return render(request, "transparency/verified.html", {"submission": submission})


def consultation_list(request):
    consultations = Consultation.objects.public().select_related("negotiation", "member_state")
    return render(request, "transparency/consultation_list.html", {"consultations": consultations})


def _consultation_for(request, pk):
    queryset = Consultation.objects.select_related(
        "negotiation", "member_state", "version__document", "chapter", "initiative"
    )
    if not permissions.can_manage(request.user):
        queryset = queryset.public()
    return get_object_or_404(queryset, pk=pk)


def _public_replies(consultation):
    return consultation.replies.prefetch_related(
        Prefetch("responses", queryset=Response.objects.public(), to_attr="answered")
    ).only("id", "consultation_id", "text", "published_at")


def consultation_detail(request, pk):
    consultation = _consultation_for(request, pk)
    form = ResponseForm()
    reply_form = ReplyForm(consultation=consultation, prefix="reply") if permissions.can_manage(request.user) else None
    status = 200
    if request.method == "POST" and "close" in request.POST:
        try:
            services.consultation_close(user=request.user, consultation=consultation)
            messages.success(request, "Consultation closed: its report can now be downloaded.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(consultation)
    if request.method == "POST" and "reply" in request.POST:
        permissions.check_can_manage(request.user)
        reply_form = ReplyForm(request.POST, consultation=consultation, prefix="reply")
        if reply_form.is_valid():
            try:
                services.reply_publish(user=request.user, consultation=consultation, **reply_form.cleaned_data)
                messages.success(request, "Reply published.")
                return redirect(consultation)
            except ValidationError as error:
                _refused(reply_form, error)
        status = 400
    elif request.method == "POST":
        form = ResponseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if not data.pop("website"):
                    services.response_submit(consultation=consultation, address=_address(request), **data)
                return render(request, "transparency/check_email.html", {"consultation": consultation})
            except ValidationError as error:
                _refused(form, error)
        status = 400
    return render(
        request,
        "transparency/consultation_detail.html",
        {
            "consultation": consultation,
            "responses": consultation.responses.public(),
            "replies": _public_replies(consultation),
            "form": form if consultation.is_open() else None,
            "reply_form": reply_form,
            "subscribe_form": SubscribeForm(),
        },
        status=status,
    )


def consultation_report(request, pk, format):
    """After closing: every published response, the Secretariat's replies, and counts by country and kind."""
    if format not in exports.REPORTS:
        raise Http404("The report is a PDF or an XLSX file.")
    consultation = get_object_or_404(Consultation.objects.public().select_related("negotiation", "member_state"), pk=pk)
    if not consultation.is_closed():
        raise Http404("The report is written once the consultation has closed.")
    content, content_type = exports.REPORTS[format](
        consultation, consultation.responses.public(), _public_replies(consultation)
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="consultation-{consultation.pk}-report.{format}"'
    return response


@login_required
def consultation_create(request, code):
    permissions.check_can_manage(request.user)
    negotiation = get_object_or_404(Negotiation, code=code)
    form = ConsultationForm(request.POST or None, negotiation=negotiation)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(user=request.user, negotiation=negotiation, **form.cleaned_data)
            messages.success(request, "Consultation opened.")
            return redirect(consultation)
        except ValidationError as error:
            _refused(form, error)
    return render(
        request,
        "transparency/consultation_form.html",
        {"negotiation": negotiation, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def todo(request):
    """The Secretariat's to-do list: restrictions due for review, requests waiting, what awaits moderation."""
    permissions.check_can_manage(request.user)
    today = timezone.localdate()
    return render(
        request,
        "transparency/todo.html",
        {
            "due": Document.objects.due_for_review(today).select_related("negotiation"),
            "waiting": DisclosureRequest.objects.waiting().select_related("negotiation", "document"),
            "requests_to_moderate": DisclosureRequest.objects.filter(moderation=Moderation.AWAITING).select_related(
                "negotiation"
            ),
            "responses_to_moderate": Response.objects.filter(moderation=Moderation.AWAITING).select_related(
                "consultation", "country"
            ),
            "can_moderate": permissions.can_moderate(request.user),
            "moderation_form": ModerationForm(),
            "answer_form": AnswerForm(),
            "today": today,
        },
    )


def _redirect_back(request, error=None):
    if error is not None:
        for message in error.messages:
            messages.error(request, message)
    return redirect("transparency:todo")


@require_POST
@login_required
def moderate(request, kind, pk):
    model = {"response": Response, "request": DisclosureRequest}.get(kind)
    if model is None:
        raise Http404
    submission = get_object_or_404(model, pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return _redirect_back(request, ValidationError("Choose publish or reject."))
    try:
        services.submission_moderate(
            user=request.user,
            submission=submission,
            publish=form.cleaned_data["decision"] == "publish",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        return _redirect_back(request, error)
    messages.success(request, "Moderated.")
    return _redirect_back(request)


@require_POST
@login_required
def answer(request, pk):
    disclosure_request = get_object_or_404(DisclosureRequest, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _redirect_back(request, ValidationError([e for errors in form.errors.values() for e in errors]))
    try:
        services.request_answer(user=request.user, request=disclosure_request, **form.cleaned_data)
    except ValidationError as error:
        return _redirect_back(request, error)
    messages.success(request, "Answer published.")
    return _redirect_back(request)


@require_POST
def subscribe(request, code=None, pk=None):
    """Follow a negotiation or a consultation by email (double opt-in); the answer is the same whoever asks."""
    negotiation = get_object_or_404(Negotiation, code=code) if code else None
    consultation = get_object_or_404(Consultation.objects.public(), pk=pk) if pk else None
    form = SubscribeForm(request.POST)
    if form.is_valid():
        try:
            if not form.cleaned_data["website"]:
                services.subscription_request(
                    email=form.cleaned_data["email"],
                    negotiation=negotiation,
                    consultation=consultation,
                    address=_address(request),
                )
            return render(request, "transparency/check_email.html", {"subscription": True})
        except ValidationError as error:
            _refused(form, error)
    return render(
        request,
        "transparency/subscribe.html",
        {"form": form, "target": negotiation or consultation},
        status=400,
    )


def subscription_confirm(request, token):
    subscription = services.subscription_confirm(token)
    if subscription is None:
        raise Http404("This link is not valid.")
    return render(request, "transparency/subscription.html", {"subscription": subscription, "confirmed": True})


@csrf_exempt  # RFC 8058: mail programs send the one-click POST without a session or token
def unsubscribe(request, token):
    if request.method == "POST":
        subscription = services.subscription_cancel(token)
        if subscription is None:
            raise Http404("This link is not valid.")
        return render(request, "transparency/subscription.html", {"subscription": subscription})
    if not services.subscription_exists(token):
        raise Http404("This link is not valid.")
    return render(request, "transparency/unsubscribe.html")
