from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from publiccache.pages import public_page
from reporting.public_record import (
    RECORD_DEFINITION,
    accepted_history,
    changes_in_latest_review,
    member_state_progress,
    reporting_record,
)

from .concurrency import StaleEdit
from .filters import InitiativeFilter
from .models import Area, Body, Initiative, InitiativeListing, MemberState, OutcomeListing, Programme, Status
from .services import can_edit_catalogue, initiative_set_status

# The public view and the working view share these URLs: anonymous visitors get the public one, built only from
# the public selectors (reporting.public_record); nothing internal is even loaded for them.

PAGE_SIZE = 100


@public_page
def home(request):
    """The front page: both plans and how far their lines have come."""
    programmes = list(Programme.objects.all())
    for programme in programmes:
        counts = dict(
            Initiative.objects.for_programme(programme).values_list("status").annotate(n=Count("id")).order_by()
        )
        programme.status_counts = [(label, counts.get(value, 0), value) for value, label in Status.choices]
        programme.total = sum(counts.values())
    review_period, changes = changes_in_latest_review()
    for update in changes:
        update.previous_status_label = Status(update.previous_status).label if update.previous_status else None
    return render(
        request,
        "workprogramme/home.html",
        {"programmes": programmes, "review_period": review_period, "changes": changes},
    )


@public_page
def programme_detail(request, code):
    """A plan laid out as in its document: areas, sub-headings, outcomes and initiatives."""
    programme = get_object_or_404(Programme, code=code)
    areas = list(programme.areas.all())
    outcome_listings = OutcomeListing.objects.filter(programme=programme).select_related("outcome")
    initiative_listings = (
        InitiativeListing.objects.filter(programme=programme)
        .select_related("initiative__outcome", "initiative__parent")
        .prefetch_related("initiative__responsibilities__body", "initiative__outputs")
    )
    outcomes_by_area = defaultdict(list)
    for listing in outcome_listings:
        listing.lines = []
        outcomes_by_area[listing.area_id].append(listing)
    outcome_index = {(lst.area_id, lst.outcome_id): lst for lst in outcome_listings}
    lines_by_area = defaultdict(list)
    for listing in initiative_listings:
        outcome = outcome_index.get((listing.area_id, listing.initiative.outcome_id))
        (outcome.lines if outcome else lines_by_area[listing.area_id]).append(listing)
    children = defaultdict(list)
    for area in areas:
        area.outcome_listings_here = outcomes_by_area[area.pk]
        area.lines_here = lines_by_area[area.pk]
        children[area.parent_id].append(area)
    for area in areas:
        area.sub_areas = children[area.pk]
    return render(
        request,
        "workprogramme/programme_detail.html",
        {"programme": programme, "areas": children[None]},
    )


@public_page
def initiative_list(request):
    filterset = InitiativeFilter(request.GET or None, queryset=Initiative.objects.for_lists())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workprogramme/initiative_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_set_status": can_edit_catalogue(request.user),
            "status_choices": Status.choices,
        },
    )


@public_page
def initiative_detail(request, code):
    initiative = get_object_or_404(
        Initiative.objects.select_related("programme", "source", "outcome", "parent").prefetch_related(
            "responsibilities__body",
            "member_states",
            Prefetch("listings", InitiativeListing.objects.select_related("programme", "area__parent")),
            "outcome__listings__programme",
            "outputs__bodies",
            "outputs__delivered_by",
            "shared_outputs__initiative",
            "children",
            "implementation_records__output",
        ),
        code=code,
    )
    changes = []
    if request.user.is_authenticated:
        # The history of internal edits (who set what) is for the people who work here, never the public.
        history = list(initiative.history.select_related("history_user").order_by("-history_date", "-history_id"))
        for record, previous in zip(history, [*history[1:], None], strict=True):
            delta = record.diff_against(previous, excluded_fields=["version"]).changes if previous else []
            changes.append({"record": record, "delta": delta})
    return render(
        request,
        "workprogramme/initiative_detail.html",
        {
            "initiative": initiative,
            "changes": changes,
            "accepted_history": accepted_history(initiative),
            "overdue": initiative.is_overdue(),
            "area_kinds": Area.Kind,
            "can_set_status": can_edit_catalogue(request.user),
            "status_choices": Status.choices,
        },
    )


@public_page
def member_state_list(request):
    return render(request, "workprogramme/member_state_list.html", {"member_states": MemberState.objects.all()})


@public_page
def member_state_detail(request, code):
    """What one Member State has done on the lines tracked per Member State: its latest accepted status on each."""
    member_state = get_object_or_404(MemberState, code=code.upper())
    progress = member_state_progress(member_state)
    return render(
        request,
        "workprogramme/member_state_detail.html",
        {
            "member_state": member_state,
            "progress": progress,
            "tracked_lines": Initiative.objects.filter(per_member_state=True).count(),
            "named_lines": Initiative.objects.filter(member_states=member_state).order_by("position"),
        },
    )


@public_page
def body_list(request):
    bodies = Body.objects.annotate(lines=Count("responsibilities__initiative", distinct=True))
    return render(request, "workprogramme/body_list.html", {"bodies": bodies})


@public_page
def body_detail(request, acronym):
    """An implementing body: its lines and their status, and its reporting record from accepted facts."""
    body = get_object_or_404(Body, acronym__iexact=acronym)
    lines = Initiative.objects.for_body(body).select_related("programme").order_by("position")
    return render(
        request,
        "workprogramme/body_detail.html",
        {
            "body": body,
            "lines": lines,
            "record": reporting_record(body),
            "record_definition": RECORD_DEFINITION,
        },
    )


@login_required
@require_POST
def initiative_status(request, code):
    """Set a line's status in place (htmx answers with the form again) or from the plain form (redirect)."""
    initiative = get_object_or_404(Initiative, code=code)
    message, error = "", False
    try:
        initiative = initiative_set_status(
            user=request.user,
            initiative=initiative,
            status=request.POST.get("status", ""),
            version=request.POST.get("version") or None,
        )
        message = f"Saved: {initiative.get_status_display()}."
    except (StaleEdit, ValidationError) as problem:
        initiative.refresh_from_db()
        message, error = (str(problem) if isinstance(problem, StaleEdit) else " ".join(problem.messages)), True
    if request.htmx:
        return render(
            request,
            "workprogramme/_status_form.html",
            {
                "initiative": initiative,
                "status_choices": Status.choices,
                "status_message": message,
                "status_error": error,
            },
        )
    (messages.error if error else messages.success)(request, f"{initiative.code}: {message}")
    return redirect(request.POST.get("next") or initiative.get_absolute_url())
