"""The progress report pages: thin, they go through reports/services.py like the API does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import exports, services
from .forms import ReportForm
from .models import FORMATS


@login_required
def report_list(request):
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
    return get_object_or_404(services.reports_for(request.user), pk=pk)


@login_required
def report_detail(request, pk):
    report = _report_or_404(request, pk)
    snapshot = report.snapshot
    context = {"report": report, "formats": FORMATS, "s": snapshot, "can_issue": services.can_issue(request.user)}
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


@login_required
def report_progress(request, pk):
    """The htmx fragment polled while building; once built, the whole page reloads to show the document."""
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


@login_required
def report_download(request, pk, format):
    report = _report_or_404(request, pk)
    try:
        file, filename, content_type = services.report_file(user=request.user, report=report, format=format)
    except (ValueError, services.NotReady) as error:
        raise Http404(str(error)) from error
    return attachment(file, filename, content_type)


def attachment(file, filename, content_type):
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
