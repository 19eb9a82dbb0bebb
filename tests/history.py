"""A few reviewed half-years of accepted reports after the 2019 baseline, so that charts have a history to draw.

For the browser tests' screenshots (run through `manage.py shell` against the running site's database) and for a
demo database by hand:

    .venv/bin/python manage.py shell -c "from tests.history import make_history; make_history()"

Made up, deterministic and accepted as history already reviewed (as the roll-up tests do): every line with a body
reports in most periods (some late), progress grows, some lines finish and a few fall behind. Idempotent.
"""

from datetime import date

from reporting.models import ExpectedReport, Period, Update
from workprogramme.models import Initiative

HALVES = [(2024, 1), (2024, 2), (2025, 1), (2025, 2)]


def make_history():
    lines = [
        line for line in Initiative.objects.order_by("position", "code").prefetch_related("bodies") if line.bodies.all()
    ]
    for step, (year, half) in enumerate(HALVES):
        period, _ = Period.objects.get_or_create(
            year=year,
            half=half,
            defaults={
                "deadline": date(year, 7, 31) if half == 1 else date(year + 1, 1, 31),
                "state": Period.State.REVIEWED,
            },
        )
        for index, line in enumerate(lines):
            expected, _ = ExpectedReport.objects.get_or_create(
                period=period, initiative=line, output=None, body=line.bodies.all()[0]
            )
            if (index + step) % 5 == 0:
                continue  # not reported this period
            progress = min(100, 10 + 20 * step + (index * 7) % 50)
            delayed = index % 7 == 3 and progress < 100
            status = "completed" if progress == 100 else "delayed" if delayed else "in_progress"
            Update.objects.get_or_create(
                period=period,
                initiative=line,
                output=None,
                body=line.bodies.all()[0],
                defaults={
                    "state": Update.State.ACCEPTED,
                    "status": status,
                    "progress": None if index % 6 == 5 else progress,
                    "reason": "awaiting_funding" if delayed else "",
                    "reason_explanation": "Funding for the next phase is not yet agreed." if delayed else "",
                    "narrative": f"Reported for {period.code}: work on {line.code} continues.",
                    "expected": expected,
                    "late": (index + step) % 4 == 1,
                },
            )
