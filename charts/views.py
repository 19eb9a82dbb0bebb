"""Dashboards: where each plan stands, in charts drawn on the server, each with its numbers one click away.

Public: built from the accepted record only (reports.rollup reads Update.objects.public()).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from publiccache.pages import public_page
from reports.exports.wording import key_figures
from workprogramme.filters import InitiativeFilter
from workprogramme.models import Initiative, Programme

from . import render as draw
from .selectors import completeness, dashboard, line_chart, member_states, timeline


def _page(request, programme):
    period, now, charts = dashboard(programme)
    base = (
        reverse("charts:programme_chart", args=[programme.code, "SLUG"])
        if programme
        else reverse("charts:chart", args=["SLUG"])
    )
    return render(
        request,
        "charts/dashboard.html",
        {
            "programme": programme,
            "programmes": Programme.objects.order_by("position"),
            "period": period,
            "key_figures": key_figures(now) if now else [],
            "charts": [(chart, base.replace("SLUG", slug)) for slug, chart in charts.items()],
        },
    )


@public_page
@require_GET
def dashboard_all(request):
    return _page(request, None)


@public_page
@require_GET
def dashboard_programme(request, code):
    return _page(request, get_object_or_404(Programme, code=code))


def _chart(programme, slug):
    chart = dashboard(programme)[2].get(slug)
    if chart is None:
        raise Http404("No such chart.")
    return chart


@public_page
@require_GET
def chart(request, slug):
    return draw.svg_response(request, _chart(None, slug))


@public_page
@require_GET
def programme_chart(request, code, slug):
    return draw.svg_response(request, _chart(get_object_or_404(Programme, code=code), slug))


@public_page
@require_GET
def line_progress(request, code):
    chart = line_chart(get_object_or_404(Initiative, code=code))
    if chart is None:
        raise Http404("This line has no accepted update.")
    return draw.svg_response(request, chart)


@public_page
@require_GET
def reporting_completeness(request):
    chart, definition = completeness()
    context = {
        "programmes": Programme.objects.order_by("position"),
        "chart": chart,
        "src": reverse("charts:completeness_chart"),
        "definition": definition,
    }
    return render(request, "charts/completeness.html", context)


@public_page
@require_GET
def completeness_chart(request):
    return draw.svg_response(request, completeness()[0])


@public_page
@require_GET
def member_state_progress(request):
    context = {
        "programmes": Programme.objects.order_by("position"),
        "chart": member_states(),
        "src": reverse("charts:member_states_chart"),
    }
    return render(request, "charts/member_states.html", context)


@public_page
@require_GET
def member_states_chart(request):
    return draw.svg_response(request, member_states())


def _timeline(request):
    filterset = InitiativeFilter(
        request.GET or None, queryset=Initiative.objects.for_lists().order_by("position", "code")
    )
    return filterset, timeline(filterset.qs)


@public_page
@require_GET
def timeline_page(request):
    filterset, chart = _timeline(request)
    query = request.GET.urlencode()
    context = {
        "programmes": Programme.objects.order_by("position"),
        "filter": filterset,
        "chart": chart,
        "src": reverse("charts:timeline_chart") + (f"?{query}" if query else ""),
    }
    return render(request, "charts/timeline.html", context)


@public_page
@require_GET
def timeline_chart(request):
    return draw.svg_response(request, _timeline(request)[1])
