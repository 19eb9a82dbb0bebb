"""The open-data page and its downloads: anonymous, streamed (CSV, JSON) or written row by row (XLSX)."""

import csv
import json
import tempfile

from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from publiccache.pages import public_page
from reporting.models import Period
from reports.cells import csv_cell, spreadsheet_cell

from .datasets import DATASETS, LICENCE, LICENCE_URL, periods_with_public_updates

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# Anonymous visitors and shared caches may keep a download briefly; accepted data changes at review pace.
PUBLIC_CACHE = {"public": True, "max_age": 300}


@public_page
@require_safe
@cache_control(**PUBLIC_CACHE)
def index(request):
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": DATASETS.values(),
            "periods": list(periods_with_public_updates().values_list("code", flat=True)),
            "formats": list(CONTENT_TYPES),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
        },
    )


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streamed response."""

    def write(self, value):
        return value


def _csv(dataset, rows):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so that Excel reads the UTF-8 (Thai, Vietnamese) correctly
    yield writer.writerow([c.name for c in dataset.columns])
    for row in rows:
        yield writer.writerow([csv_cell("" if v is None else v) for v in row])


def _json(dataset, rows):
    names = [c.name for c in dataset.columns]
    yield "["
    for i, row in enumerate(rows):
        record = json.dumps(dict(zip(names, row, strict=True)), cls=DjangoJSONEncoder, ensure_ascii=False)
        yield ("," if i else "") + "\n" + record
    yield "\n]\n"


def _xlsx(dataset, rows):
    # write_only keeps one row in memory; the workbook is spooled to disk past 5 MB, never held whole.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(dataset.slug)
    sheet.append([c.name for c in dataset.columns])
    for row in rows:
        sheet.append([spreadsheet_cell(v) for v in row])
    out = tempfile.SpooledTemporaryFile(max_size=5 * 1024 * 1024)  # noqa: SIM115 (closed by FileResponse)
    workbook.save(out)
    out.seek(0)
    return out


@require_safe
@cache_control(**PUBLIC_CACHE)
def download(request, slug, fmt):
    dataset = DATASETS.get(slug)
    if dataset is None or fmt not in CONTENT_TYPES:
        raise Http404("No such download.")
    period = None
    code = request.GET.get("period")
    if code:
        if not dataset.per_period:
            raise Http404("This download is not split by period.")
        period = get_object_or_404(Period, code=code)
    filename = f"asean-digital-{slug}" + (f"-{period.code}" if period else "") + f".{fmt}"
    rows = dataset.rows(period)
    if fmt == "xlsx":
        xlsx = _xlsx(dataset, rows)
        return FileResponse(xlsx, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])
    stream = _csv(dataset, rows) if fmt == "csv" else _json(dataset, rows)
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
