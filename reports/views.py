"""The progress report pages: thin, they go through reports/services.py like the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from charts import render as draw
from charts.report import report_charts
from publiccache.pages import public_page

from . import exports, services
from .forms import ReportForm, WithdrawForm
from .models import FORMATS, ProgressReport


@public_page
def report_list(request):
    if not request.user.is_authenticated:
        # The public sees only what the Secretariat published, and what it withdrew, with why.
        context = {
            "reports": ProgressReport.objects.public().select_related("period", "programme"),
            "withdrawn": ProgressReport.objects.withdrawn_from_public().select_related("period", "programme"),
            "public": True,
        }
        return render(request, "reports/report_list.html", context)
    form = ReportForm(request.POST or None) if services.can_issue(request.user) else None
    if request.method == "POST":
        services.check_can_issue(request.user)
        if form.is_valid():
            try:
                report = services.report_issue(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, f"Version {report.version} of the {report.period} report is being built.")
                return redirect(report)
    return render(request, "reports/report_list.html", {"reports": services.reports_for(request.user), "form": form})


def _report_or_404(request, pk):
    if not request.user.is_authenticated:
        # Anything not public answers as if it did not exist, whatever address is guessed.
        return get_object_or_404(ProgressReport.objects.public().select_related("period", "programme"), pk=pk)
    return get_object_or_404(services.reports_for(request.user), pk=pk)


@public_page
def report_detail(request, pk):
    report = _report_or_404(request, pk)
    snapshot = report.snapshot
    public = not request.user.is_authenticated
    context = {
        "report": report,
        "formats": FORMATS,
        "s": snapshot,
        "public": public,
        "can_issue": services.can_issue(request.user),
        "can_publish": services.can_publish(request.user),
        "withdraw_form": WithdrawForm(),
        "publication_events": [] if public else report.publication_events.select_related("by"),
    }
    if snapshot:
        context |= {
            "header": exports.summary_header(snapshot),
            "totals_rows": [exports.summary_row(snapshot, snapshot["totals"], "All lines")],
            "group_tables": [
                (
                    heading,
                    exports.GROUP_NOTES.get(key, ""),
                    [exports.summary_row(snapshot, g) for g in snapshot["groups"][key]],
                )
                for key, heading in exports.GROUPS
            ],
            "key_figures": exports.key_figures(snapshot),
            "charts": [
                (chart, reverse("reports:report_chart", args=[report.pk, chart.slug]))
                for chart in report_charts(snapshot)
            ],
            "matrix_rows": exports.matrix_rows(snapshot),
            "areas": [(label, exports.lines_in(snapshot, code)) for code, label in exports.areas_in_order(snapshot)],
            "missing_lines": [line for line in snapshot["lines"] if not line["reported"]],
            "changes": [(label, snapshot["changes"][key]) for key, label in exports.CHANGE_KINDS],
            "changes_heading": exports.changes_heading(snapshot),
            "changes_paragraphs": exports.changes_paragraphs(snapshot),
            "no_call": exports.NO_CALL.format(period=snapshot["period"]["code"]),
            "matrix_note": exports.MATRIX_NOTE,
        }
    return render(request, "reports/report_detail.html", context)


def report_chart(request, pk, slug):
    """One of the report's charts as an SVG image, to whoever may read the report."""
    report = _report_or_404(request, pk)
    chart = next((c for c in report_charts(report.snapshot) if c.slug == slug), None) if report.snapshot else None
    if chart is None:
        raise Http404("This report has no such chart.")
    # Only those who may read the report get it, and not once it is withdrawn: no shared or stale copies.
    return draw.svg_response(request, chart, cache_control="private, no-cache")


def report_progress(request, pk):
    """The htmx fragment polled while building; once built, the whole page reloads to show the document."""
    if not request.user.is_authenticated:
        raise Http404("Build progress is for people who are logged in.")
    report = _report_or_404(request, pk)
    context = {"report": report, "can_issue": services.can_issue(request.user)}
    response = render(request, "reports/_report_progress.html", context)
    if not report.is_building and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def report_retry(request, pk):
    report = _report_or_404(request, pk)
    try:
        report = services.report_retry(user=request.user, report=report)
    except services.NotFailed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Version {report.version} of the {report.period} report is being built again.")
    return redirect(report)


def report_download(request, pk, format):
    report = _report_or_404(request, pk)
    if not request.user.is_authenticated:
        try:
            file, filename, content_type = services.public_report_file(report=report, format=format)
        except ValueError as error:
            raise Http404(str(error)) from error
        return attachment(file, filename, content_type)
    try:
        file, filename, content_type = services.report_file(user=request.user, report=report, format=format)
    except (ValueError, services.NotReady) as error:
        raise Http404(str(error)) from error
    return attachment(file, filename, content_type)


@login_required
@require_POST
def report_publish(request, pk):
    report = _report_or_404(request, pk)
    services.check_can_publish(request.user)
    try:
        report = services.report_publish(user=request.user, report=report)
    except services.WrongPublicationState as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Version {report.version} of the {report.period} report is now public.")
    return redirect(report)


@login_required
@require_POST
def report_withdraw(request, pk):
    report = _report_or_404(request, pk)
    services.check_can_publish(request.user)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(report)
    try:
        report = services.report_withdraw(user=request.user, report=report, reason=form.cleaned_data["reason"])
    except services.WrongPublicationState as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Version {report.version} of the {report.period} report is withdrawn from public view."
        )
    return redirect(report)


def attachment(file, filename, content_type):
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
