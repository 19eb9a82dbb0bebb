from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from workprogramme.concurrency import Conflict, StaleEdit
from workprogramme.filters import choices
from workprogramme.models import Body, Initiative, Output

from . import notifications, permissions, review, services, spreadsheets
from .filters import UpdateFilter
from .forms import CommentForm, DisclosureForm, EvidenceFileForm, EvidenceLinkForm, PeriodForm, ReturnForm, UpdateForm
from .models import Comment, Evidence, ExpectedReport, Period, Update

HIDDEN_IN_HISTORY = ["version", "updated_at"]  # bookkeeping, not content

# Pages stay the same size however many lines and bodies there are: they show this much and link to the rest.
QUEUE_SHOWN = 50
MATRIX_SHOWN = 25
BODIES_PER_PAGE = 50
EXPECTED_PER_PAGE = 200
UNASSIGNED_SHOWN = 50
UPDATES_PER_PAGE = 100


def _update_or_404(pk):
    return get_object_or_404(
        Update.objects.select_related("period", "initiative", "output", "body", "author", "reviewer"), pk=pk
    )


def _first_message(error):
    return " ".join(error.messages)


@login_required
def dashboard(request):
    """Each person's starting point: what their body owes, what awaits review, who has not reported."""
    user = request.user
    period = Period.objects.current()
    context = {"period": period}
    if period and user.body_id:
        owed = (
            ExpectedReport.objects.filter(period=period, body_id=user.body_id)
            .with_receipt()
            .select_related("initiative", "output")
            .prefetch_related(Prefetch("updates", Update.objects.only("id", "state", "expected_id", "version")))
        )
        context["owed"] = owed
        context["owed_done"] = sum(1 for e in owed if e.received)
    if permissions.is_reviewer(user):
        # The oldest first, a page's worth: the rest is one link away, in the filtered list of all updates.
        waiting = Update.objects.awaiting_review()
        context["queue"] = waiting.select_related("period", "initiative", "output", "body", "author").order_by(
            "submitted_at", "pk"
        )[:QUEUE_SHOWN]
        context["queue_total"] = waiting.count()
    if period and (permissions.is_secretariat(user) or permissions.is_reviewer(user)):
        # The bodies that owe most; the period's page has every body.
        matrix = ExpectedReport.objects.filter(period=period).matrix()
        context["matrix"] = matrix[:MATRIX_SHOWN]
        context["matrix_bodies"] = ExpectedReport.objects.filter(period=period).values("body").distinct().count()
    return render(request, "reporting/dashboard.html", context)


@login_required
def period_list(request):
    form = None
    if permissions.is_secretariat(request.user):
        form = PeriodForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                period = services.period_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, _first_message(error))
            else:
                messages.success(request, f"{period} created. Open it when the call for updates goes out.")
                return redirect(period)
    return render(request, "reporting/period_list.html", {"periods": Period.objects.all(), "form": form})


@login_required
def period_detail(request, code):
    """A period's expected-versus-received matrix and every expected report, a page of bodies at a time."""
    period = get_object_or_404(Period, code=code)
    in_period = ExpectedReport.objects.filter(period=period)
    body = None
    if request.GET.get("body"):
        body = get_object_or_404(Body, acronym=request.GET["body"])
    matrix = Paginator(in_period.matrix(), BODIES_PER_PAGE).get_page(request.GET.get("bodies"))
    expected = (
        (in_period.filter(body=body) if body else in_period)
        .with_receipt()
        .select_related("initiative", "output", "body")
        .order_by("body__acronym", "initiative__position", "output__position", "pk")
    )
    expected = Paginator(expected, EXPECTED_PER_PAGE).get_page(request.GET.get("page"))
    unassigned = Initiative.objects.open().unassigned() if period.takes_filings else Initiative.objects.none()
    return render(
        request,
        "reporting/period_detail.html",
        {
            "period": period,
            "matrix": matrix,
            "matrix_totals": in_period.with_receipt().aggregate(
                expected=Count("id"),
                on_time=Count("id", filter=Q(received=True, received_late=False)),
                late=Count("id", filter=Q(received_late=True)),
                missing=Count("id", filter=Q(received=False)),
            ),
            "body": body,
            "expected": expected,
            "unassigned": unassigned[:UNASSIGNED_SHOWN],
            "unassigned_total": unassigned.count(),
            "reasons": Update.objects.in_period(period).exclude(state=Update.State.DRAFT).reasons(),
            "can_manage": permissions.is_secretariat(request.user),
            "outstanding": services.period_outstanding(period) if period.state == Period.State.OPEN else None,
            "events": period.events.select_related("by"),
            "reminders": period.reminders.select_related("body", "sent_by").order_by("-sent_at")[:50],
            "owing_bodies": Body.objects.filter(
                pk__in=ExpectedReport.objects.filter(period=period).missing().values("body")
            ).order_by("acronym"),
        },
    )


@login_required
@require_POST
def period_action(request, code, action):
    period = get_object_or_404(Period, code=code)
    service = {
        "open": services.period_open,
        "close": services.period_close,
        "reopen": services.period_reopen,
        "review": services.period_mark_reviewed,
    }
    if action == "remind":
        return _remind_now(request, period)
    if action not in service:
        raise Http404
    extra = {"reason": request.POST.get("reason", "")} if action == "reopen" else {}
    try:
        if action == "close" and request.POST.get("confirm") != "yes":
            missing, awaiting, drafts = services.period_outstanding(period)
            raise ValidationError(
                f"Confirm that {period} should close: {missing} expected report(s) not received, {awaiting} "
                f"awaiting review, {drafts} draft(s) not submitted."
            )
        period = service[action](user=request.user, period=period, **extra)
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(request, f"{period} is now {period.get_state_display().lower()}.")
    return redirect(period)


def _remind_now(request, period):
    """Remind every body still owing, or the one chosen, now: at most once a day per body (notifications)."""
    acronym = request.POST.get("body", "")
    bodies = None
    if acronym:
        bodies = list(Body.objects.filter(acronym=acronym))
        if not bodies:
            return HttpResponseBadRequest(f"No body has the acronym {acronym[:30]!r}.")
    try:
        reminded, already, unreachable = notifications.remind_now(user=request.user, period=period, bodies=bodies)
    except notifications.NothingToRemind as nothing:
        messages.info(request, str(nothing))
        return redirect(period)
    if reminded:
        messages.success(request, f"Reminded now: {', '.join(b.acronym for b in reminded)}.")
    if already:
        messages.info(request, f"Already reminded today, not again: {', '.join(b.acronym for b in already)}.")
    if unreachable:
        messages.warning(
            request, f"No one to write to at {', '.join(b.acronym for b in unreachable)}: add a focal point."
        )
    return redirect(period)


@login_required
def update_list(request):
    filterset = UpdateFilter(
        request.GET or None,
        queryset=Update.objects.select_related("period", "initiative", "output", "body", "author").order_by(
            "-period__year", "-period__half", "initiative__position", "pk"
        ),
    )
    page = Paginator(filterset.qs, UPDATES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "reporting/update_list.html", {"filter": filterset, "page": page, "query": query.urlencode()}
    )


@login_required
def update_filter_choices(request, name):
    """What a search-as-you-type filter of the update list accepts, matching ?q=."""
    found = choices(UpdateFilter, name, request.GET.get("q", ""))
    if found is None:
        raise Http404("No such filter.")
    return JsonResponse({"results": found})


@login_required
def update_create(request):
    """File an update for a line: the period, line and body come from the expected report or the query."""
    params = request.GET if request.method == "GET" else request.POST
    period = get_object_or_404(Period, code=params.get("period", ""))
    initiative = get_object_or_404(Initiative, code=params.get("initiative", ""))
    position = params.get("output", "")
    if position and not (position.isascii() and position.isdigit()):
        # The link names an output by its number; anything else is a broken link, not a missing output.
        return HttpResponseBadRequest(
            f"Output {position[:20]!r} is not a number: outputs are numbered 1, 2, 3...",
            content_type="text/plain; charset=utf-8",  # the text quotes the link: never rendered as HTML
        )
    output = get_object_or_404(Output, initiative=initiative, position=position) if position else None
    body = get_object_or_404(Body, acronym=params.get("body", ""))
    permissions.check_can_file(request.user, initiative, output, body)
    existing = Update.objects.filter(period=period, initiative=initiative, output=output, body=body).first()
    if existing:
        return redirect("reporting:update_edit", existing.pk)
    form = UpdateForm(request.POST or None, initiative=initiative, initial={"status": initiative.status, "progress": 0})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            update = services.update_create(
                user=request.user,
                period=period,
                initiative=initiative,
                output=output,
                body=body,
                values=form.values(),
                member_states=form.member_states(),
                submit="submit" in request.POST,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as error:
            form.add_error(None, str(error))
            conflict = True
        else:
            messages.success(request, f"Update {update.get_state_display().lower()}.")
            return redirect(update)
    return render(
        request,
        "reporting/update_form.html",
        {
            "form": form,
            "period": period,
            "initiative": initiative,
            "output": output,
            "body": body,
            "update": None,
        },
        status=409 if conflict else 200,
    )


@login_required
def update_edit(request, pk):
    update = _update_or_404(pk)
    permissions.check_can_edit(request.user, update)
    if request.method == "POST":
        form = UpdateForm(request.POST, initiative=update.initiative)
        form.fields["version"].required = True  # an edit must say which version it was made from
        if form.is_valid():
            try:
                update = services.update_edit(
                    user=request.user,
                    update=update,
                    values=form.values(),
                    version=form.cleaned_data["version"],
                    member_states=form.member_states(),
                    submit="submit" in request.POST,
                )
            except StaleEdit as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"Update saved ({update.get_state_display().lower()}).")
                return redirect(update)
    else:
        initial = {f: getattr(update, f) for f in services.UPDATE_FIELDS} | {"version": update.version}
        initial |= {
            f"ms_{p.member_state.code}": p.status for p in update.member_state_progress.select_related("member_state")
        }
        form = UpdateForm(initial=initial, initiative=update.initiative)
    return render(
        request,
        "reporting/update_form.html",
        {
            "form": form,
            "period": update.period,
            "initiative": update.initiative,
            "output": update.output,
            "body": update.body,
            "update": update,
        },
    )


def update_detail(request, pk):
    if not request.user.is_authenticated:
        # A link from an email, followed before signing in, meets the 404 page's offer to sign in; a visitor
        # guessing numbers learns nothing. The public reads accepted updates on the line's page.
        raise Http404("Updates are read on the line's page.")
    update = _update_or_404(pk)
    history = list(update.history.select_related("history_user").order_by("-history_date", "-history_id"))
    changes = [
        {
            "record": record,
            "delta": record.diff_against(previous, excluded_fields=HIDDEN_IN_HISTORY).changes if previous else [],
        }
        for record, previous in zip(history, [*history[1:], None], strict=True)
    ]
    comparison = review.compare(update)  # the last accepted update, read once for the comparison and the warning
    comments = list(Comment.objects.filter(update=update).select_related("author"))
    for comment in comments:
        comment.thread = [reply for reply in comments if reply.parent_id == comment.pk]
    return render(
        request,
        "reporting/update_detail.html",
        {
            "update": update,
            "member_states": update.member_state_progress.select_related("member_state"),
            "evidence": update.evidence.all(),
            "comparison": comparison,
            "comments": [c for c in comments if c.parent_id is None],
            "changes": changes,
            "can_edit": update.is_editable
            and permissions.can_file(request.user, update.initiative, update.output, update.body),
            "can_withdraw": update.state == Update.State.SUBMITTED
            and permissions.can_file(request.user, update.initiative, update.output, update.body),
            "can_review": update.state == Update.State.SUBMITTED and permissions.can_review(request.user, update),
            "can_remove_evidence": permissions.can_remove_evidence(request.user, update),
            "can_set_disclosure": permissions.can_set_disclosure(request.user, update),
            "overruled_correction": services.contradicted_correction(update, comparison.previous)
            if update.state == Update.State.SUBMITTED
            else None,
            "removal_needs_reason": permissions.evidence_removal_needs_reason(request.user, update),
            "return_form": ReturnForm(initial={"version": update.version}),
            "comment_form": CommentForm(),
            "link_form": EvidenceLinkForm(),
            "file_form": EvidenceFileForm(),
        },
    )


@login_required
@require_POST
def update_action(request, pk, action):
    update = _update_or_404(pk)
    version = request.POST.get("version") or None
    try:
        if action == "submit":
            update = services.update_submit(user=request.user, update=update, version=version)
        elif action == "withdraw":
            update = services.update_withdraw(user=request.user, update=update, version=version)
        elif action == "accept":
            update = services.update_accept(
                user=request.user,
                update=update,
                version=version,
                overrule_correction=request.POST.get("overrule_correction") == "yes",
            )
        elif action == "return":
            update = services.update_return(
                user=request.user, update=update, comment=request.POST.get("comment", ""), version=version
            )
        else:
            raise Http404
    except (ValidationError, StaleEdit) as error:
        messages.error(request, _first_message(error) if isinstance(error, ValidationError) else str(error))
    else:
        messages.success(request, f"Update {update.get_state_display().lower()}.")
    return redirect("reporting:update_detail", pk)


@login_required
@require_POST
def accept_many(request):
    """Accept the updates ticked in the review queue: all of them, or none with a message for each refusal."""
    chosen = []
    for value in request.POST.getlist("update"):
        pk, _, version = value.partition(":")
        if not pk.isdigit() or not version.isdigit():
            return HttpResponseBadRequest("Each chosen update is sent as <id>:<version>.")
        chosen.append((int(pk), int(version)))
    if not chosen:
        messages.error(request, "Tick the updates to accept first.")
        return redirect("reporting:dashboard")
    try:
        accepted = services.accept_many(user=request.user, chosen=chosen)
    except services.AcceptanceRefused as refused:
        messages.error(request, f"Nothing was accepted: {len(refused.refusals)} of {len(chosen)} could not be.")
        for update, message in refused.refusals:
            messages.error(request, f"{update}: {message}")
    else:
        messages.success(request, f"{len(accepted)} update(s) accepted.")
    return redirect(f"{reverse('reporting:dashboard')}#queue-heading")


@login_required
@require_POST
def comment_add(request, pk):
    update = _update_or_404(pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first() if form.cleaned_data["parent"] else None
        try:
            services.comment_add(user=request.user, update=update, text=form.cleaned_data["text"], parent=parent)
        except ValidationError as error:
            messages.error(request, _first_message(error))
    elif form.has_error("text", "max_length"):
        messages.error(request, form.errors["text"][0])
    else:
        messages.error(request, "Write a comment before sending it.")
    return redirect(f"{update.get_absolute_url()}#comments")


@login_required
@require_POST
def evidence_add(request, pk):
    update = _update_or_404(pk)
    try:
        if request.FILES:
            form = EvidenceFileForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(
                    form.errors.get("file") or [f"{k}: {' '.join(v)}" for k, v in form.errors.items()]
                )
            services.evidence_add_file(
                user=request.user,
                update=update,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                disclosure=form.cleaned_data["disclosure"],
                restriction_reason=form.cleaned_data["restriction_reason"],
            )
        else:
            form = EvidenceLinkForm(request.POST)
            if not form.is_valid():
                raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
            services.evidence_add_link(user=request.user, update=update, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(request, "Evidence added.")
    return redirect(f"{update.get_absolute_url()}#evidence")


@login_required
@require_POST
def evidence_disclosure(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("update"), pk=pk)
    form = DisclosureForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
        services.evidence_set_disclosure(user=request.user, evidence=evidence, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(request, f"\u201c{evidence.title}\u201d: disclosure saved.")
    return redirect(f"{evidence.update.get_absolute_url()}#evidence")


@login_required
@require_POST
def evidence_remove(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("update"), pk=pk)
    try:
        services.evidence_remove(user=request.user, evidence=evidence, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _first_message(error))
    else:
        messages.success(request, f"Evidence \u201c{evidence.title}\u201d removed; the comments say so.")
    return redirect(f"{evidence.update.get_absolute_url()}#evidence")


def evidence_download(request, pk):
    """Uploaded files are always sent as attachments, never rendered inline by the browser.

    Anyone may download a file the public may open (Evidence.objects.public()); any other file is for the
    people who work on the tracker, and a visitor who is not logged in is told nothing about whether it exists.
    """
    files = Evidence.objects.all() if request.user.is_authenticated else Evidence.objects.public()
    evidence = get_object_or_404(files, pk=pk, kind=Evidence.Kind.FILE)
    if not evidence.file:
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.filename, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def spreadsheet(request):
    """Download the body's spreadsheet for the period, or upload it filled in: all rows filed, or none."""
    period = get_object_or_404(Period, code=request.GET.get("period") or request.POST.get("period", ""))
    acronym = request.GET.get("body") or request.POST.get("body") or getattr(request.user.body, "acronym", "")
    body = get_object_or_404(Body, acronym=acronym)
    if request.method == "GET" and request.GET.get("download"):
        response = HttpResponse(spreadsheets.build_template(period=period, body=body), content_type=spreadsheets.XLSX)
        response["Content-Disposition"] = f'attachment; filename="{body.acronym}-{period.code}-updates.xlsx"'
        return response
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise spreadsheets.SpreadsheetRejected([{"row": None, "column": None, "message": "Choose a file."}])
            updates = spreadsheets.file_upload(user=request.user, upload=upload, submit="submit" in request.POST)
        except spreadsheets.SpreadsheetRejected as rejected:
            errors = rejected.errors
        else:
            if updates:
                messages.success(request, f"{len(updates)} update(s) filed from the spreadsheet.")
            else:
                messages.info(request, "Nothing in the spreadsheet differs from what is filed: no update was filed.")
            return redirect("reporting:dashboard")
    context = {"period": period, "body": body, "errors": errors, "limits": spreadsheets.upload_limits()}
    return render(request, "reporting/spreadsheet.html", context, status=400 if errors else 200)
