from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from charts.selectors import line_chart
from publiccache.pages import public_page
from reporting.forms import CorrectionForm
from reporting.public_record import (
    RECORD_DEFINITION,
    accepted_history,
    changes_in_latest_review,
    member_state_progress,
    reporting_record,
)
from reporting.services import status_correct

from .concurrency import StaleEdit
from .filters import InitiativeFilter, choices
from .models import Area, Body, Initiative, InitiativeListing, MemberState, OutcomeListing, Programme, Status
from .services import can_edit_catalogue

# The public view and the working view share these URLs: anonymous visitors get the public one, built only from
# the public selectors (reporting.public_record); nothing internal is even loaded for them.

PAGE_SIZE = 100
LINES_PER_AREA = 25


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
    in_programme = InitiativeListing.objects.filter(programme=programme)
    # Every line of a real plan fits (its largest area has a few dozen); a plan many times larger shows each area's
    # first lines in document order, and how many more there are, with a link to all of them in the filtered list.
    first_in_area = Window(RowNumber(), partition_by=[F("area")], order_by=[F("position").asc(), F("pk").asc()])
    initiative_listings = (
        in_programme.annotate(rank_in_area=first_in_area)
        .filter(rank_in_area__lte=LINES_PER_AREA)
        .select_related("initiative__outcome", "initiative__parent")
        .prefetch_related("initiative__responsibilities__body", "initiative__outputs")
    )
    lines_in_area = dict(in_programme.values_list("area").annotate(n=Count("id")).order_by())
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
        area.lines_total = lines_in_area.get(area.pk, 0)
        area.lines_shown = min(area.lines_total, LINES_PER_AREA)
        area.lines_not_shown = area.lines_total - area.lines_shown
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
        },
    )


def initiative_filter_choices(request, name):
    """What a search-as-you-type filter of the initiative list accepts, matching ?q= (public, as the list is)."""
    found = choices(InitiativeFilter, name, request.GET.get("q", ""))
    if found is None:
        raise Http404("No such filter.")
    return JsonResponse({"results": found})


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
    history = accepted_history(initiative)
    return render(
        request,
        "workprogramme/initiative_detail.html",
        {
            "initiative": initiative,
            "changes": changes,
            "accepted_history": history,
            "progress_chart": line_chart(initiative, history),
            "overdue": initiative.is_overdue(),
            "area_kinds": Area.Kind,
            "can_set_status": can_edit_catalogue(request.user),
            "correction_form": CorrectionForm(initial={"status": initiative.status, "version": initiative.version}),
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
    bodies = Body.objects.annotate(lines=Count("responsibilities__initiative", distinct=True)).order_by("acronym")
    page = Paginator(bodies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workprogramme/body_list.html", {"bodies": page, "page": page})


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
    """The Secretariat corrects a line's status (reporting.services.status_correct), saying why."""
    initiative = get_object_or_404(Initiative, code=code)
    form = CorrectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        data = form.cleaned_data
        correction = status_correct(
            user=request.user,
            initiative=initiative,
            status=data["status"],
            note=data["note"],
            reason=data["reason"],
            reason_explanation=data["reason_explanation"],
            version=data["version"],
        )
    except StaleEdit as stale:
        messages.error(request, f"{initiative.code}: {stale}")
    except ValidationError as error:
        messages.error(request, f"{initiative.code}: not corrected. " + " ".join(error.messages))
    else:
        messages.success(request, f"{initiative.code}: corrected to {correction.get_status_display()}.")
    return redirect(f"{initiative.get_absolute_url()}#correct")
