"""Reporting pages stay one page's worth however many lines and bodies (issue 16): they show the first part, say how
many there are, and link to the rest, filtered."""

import pytest

from reporting import services, views
from reporting.models import ExpectedReport, Update
from tests.helpers import user
from tests.test_reporting_pages import login, period  # noqa: F401  (the open 2026-H2 fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    for name, size in [("QUEUE_SHOWN", 1), ("MATRIX_SHOWN", 3), ("BODIES_PER_PAGE", 4), ("EXPECTED_PER_PAGE", 5)]:
        monkeypatch.setattr(views, name, size)


def submit_first(period, n):  # noqa: F811
    for entry in period.expected_reports.select_related("initiative", "output", "body").order_by("pk")[:n]:
        services.update_create(
            user=user("secretariat"),
            period=period,
            initiative=entry.initiative,
            output=entry.output,
            body=entry.body,
            values={"status": "in_progress", "progress": 5, "narrative": "n"},
            submit=True,
        )


def test_the_review_queue_shows_the_oldest_and_links_to_every_submitted_update(client, period, small_pages):  # noqa: F811
    submit_first(period, 3)

    content = login(client, "accec").get("/reporting/").content.decode()

    oldest = Update.objects.awaiting_review().order_by("submitted_at", "pk").first()
    assert "The 1 waiting longest of 3" in content
    assert f'href="/reporting/updates/{oldest.pk}/"' in content
    assert content.count(">Review</a>") == 1
    assert "/reporting/updates/?state=submitted" in content


def test_the_chase_list_shows_the_bodies_that_owe_most_and_links_to_the_period(client, period, small_pages):  # noqa: F811
    bodies = ExpectedReport.objects.filter(period=period).values("body").distinct().count()

    content = login(client, "secretariat").get("/reporting/").content.decode()

    assert f"The 3 bodies that owe most, of {bodies}" in content
    assert content.count('<tr class="owing">') == 3


def test_the_period_page_pages_its_bodies_and_filters_its_reports_by_body(client, period, small_pages):  # noqa: F811
    staff = login(client, "secretariat")
    in_period = ExpectedReport.objects.filter(period=period)

    first = staff.get(f"/reporting/periods/{period.code}/").content.decode()
    assert f"Bodies 1–4 of {in_period.values('body').distinct().count()}" in first
    assert f"Reports 1–5 of {in_period.count()}" in first
    assert f"<td>{in_period.count()}</td>" in first  # the all-bodies total row

    telsom = staff.get(f"/reporting/periods/{period.code}/?body=TELSOM").content.decode()
    assert "Reports expected of TELSOM" in telsom
    telsom_lines = in_period.filter(body__acronym="TELSOM").select_related("initiative")
    for entry in telsom_lines[:5]:
        assert entry.initiative.code in telsom
    assert "AWPEC-8.1" not in telsom.split('id="expected"')[1]  # ACCP's line, not TELSOM's

    assert staff.get(f"/reporting/periods/{period.code}/?body=NOBODY").status_code == 404
    assert staff.get(f"/reporting/periods/{period.code}/?page=999&bodies=x").status_code == 200  # the last page
