"""Open data: the catalogue and accepted updates for anyone, read-only and throttled; bulk downloads, explained."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from reporting import services
from reporting.models import Evidence, Update
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    cache.clear()  # throttle counters live in the cache
    return APIClient()


@pytest.fixture
def period(secretariat):
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


def accepted(telsom, reviewer, period, code, narrative, **values):
    update = services.update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code=code),
        body=telsom.body,
        values={"status": "in_progress", "progress": 40, "narrative": narrative, **values},
        submit=True,
    )
    return services.update_accept(user=reviewer, update=update)


@pytest.mark.parametrize("path", ["programmes/", "bodies/", "member-states/", "initiatives/", "public/updates/"])
def test_an_anonymous_visitor_reads_the_catalogue_and_accepted_updates(anonymous, path):
    response = anonymous.get(f"/api/v1/{path}")
    assert response.status_code == 200, response.content
    assert response.json()["count"] > 0


def test_an_anonymous_visitor_reads_one_initiative(anonymous):
    line = Initiative.objects.get(code="AWPEC-16")
    assert anonymous.get(f"/api/v1/initiatives/{line.pk}/").json()["code"] == "AWPEC-16"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/updates/"),
        ("get", "/api/v1/periods/"),
        ("get", "/api/v1/expected-reports/"),
        ("get", "/api/v1/reports/"),
        ("post", "/api/v1/updates/"),
        ("post", "/api/v1/updates/bulk/"),
        ("post", "/api/v1/reports/"),
        ("post", "/api/v1/programmes/"),
        ("post", "/api/v1/initiatives/"),
        ("patch", "/api/v1/initiatives/1/"),
        ("delete", "/api/v1/bodies/1/"),
        ("post", "/api/v1/public/updates/"),
    ],
)
def test_everything_else_still_needs_a_login(anonymous, method, path):
    response = getattr(anonymous, method)(path, {}, format="json")
    assert response.status_code == 401, (path, response.status_code)


def test_anonymous_callers_are_throttled_per_address(anonymous, settings, secretariat):
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], public="3/hour")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates  # DRF reads the rates once at import
    try:
        statuses = [anonymous.get("/api/v1/bodies/").status_code for _ in range(4)]
        other_address = APIClient(REMOTE_ADDR="10.9.8.7").get("/api/v1/bodies/").status_code
        logged_in = APIClient()
        logged_in.force_authenticate(secretariat)
        member = logged_in.get("/api/v1/bodies/").status_code
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
    assert statuses == [200, 200, 200, 429]
    assert other_address == 200
    assert member == 200  # logged-in callers keep their own per-client budget


def test_public_updates_show_only_public_fields_and_evidence(anonymous, telsom, reviewer, period):
    update = accepted(telsom, reviewer, period, "AWPEC-13", "Roaming study published.")
    # As the reviewer leaves them on acceptance: one confirmed public, one restricted with its reason.
    Evidence.objects.create(
        update=update, kind="link", title="Study", url="https://example.org/study", disclosure_confirmed=True
    )
    Evidence.objects.create(
        update=update,
        kind="link",
        title="Minutes",
        url="https://example.org/m",
        disclosure="restricted",
        restriction_reason="Internal minutes",
        disclosure_confirmed=True,
    )

    rows = anonymous.get("/api/v1/public/updates/", {"period": period.code, "body": "TELSOM"}).json()["results"]

    assert len(rows) == 1
    row = rows[0]
    assert (row["initiative"], row["body"]) == ("AWPEC-13", "TELSOM")
    assert row["narrative"] == "Roaming study published."
    assert row["evidence"] == [{"title": "Study", "kind": "link", "url": "https://example.org/study"}]
    assert row["withheld_evidence"] == [{"reason": "Internal minutes", "count": 1}]
    assert not {"author", "reviewer", "review_comment", "comments", "next_steps", "blockers", "state"} & set(row)


def test_public_updates_filter_like_the_updates_list(anonymous, telsom, reviewer, period):
    accepted(telsom, reviewer, period, "AWPEC-13", "One.")
    accepted(telsom, reviewer, period, "AWPEC-12", "Two.", status="completed", progress=100)

    def codes(**params):
        return {r["initiative"] for r in anonymous.get("/api/v1/public/updates/", params).json()["results"]}

    assert codes(period=period.code) == {"AWPEC-13", "AWPEC-12"}
    assert codes(period=period.code, status="completed") == {"AWPEC-12"}
    assert codes(period=period.code, initiative="AWPEC-13") == {"AWPEC-13"}
    assert codes(period=period.code, programme="DIFAP") <= {"AWPEC-13", "AWPEC-12"}
    baseline_vn = anonymous.get("/api/v1/public/updates/", {"member_state": "VN", "page_size": 500}).json()
    assert baseline_vn["count"] > 0
    assert all("VN" in r["member_states"] for r in baseline_vn["results"])
    assert anonymous.get("/api/v1/public/updates/", {"period": "1999-H1"}).status_code == 404


def test_public_updates_take_a_fixed_number_of_queries(anonymous):
    def count(page_size):
        with CaptureQueriesContext(connection) as queries:
            assert anonymous.get("/api/v1/public/updates/", {"page_size": page_size}).status_code == 200
        return len(queries)

    assert count(5) == count(200)


def test_the_schema_marks_the_open_data_endpoints_public(anonymous, api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path in ["/api/v1/public/updates/", "/api/v1/initiatives/", "/api/v1/initiatives/{id}/"]:
        operation = schema["paths"][path]["get"]
        assert operation["security"] == [{}], path
        assert "Open data" in operation["tags"]
    assert schema["paths"]["/api/v1/updates/"]["get"].get("security") != [{}]


# Bulk downloads


def test_the_open_data_page_explains_every_column_and_the_licence(client):
    from opendata.datasets import DATASETS

    page = client.get("/open-data/").content.decode()
    assert "CC BY 4.0" in page and "creativecommons.org/licenses/by/4.0/" in page
    for dataset in DATASETS.values():
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in page
        for fmt in ("csv", "xlsx", "json"):
            assert f"/open-data/{dataset.slug}.{fmt}" in page


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("slug", ["catalogue", "updates", "member-states"])
def test_each_download_comes_as_csv_xlsx_and_json_attachments(client, slug):
    from opendata.datasets import DATASETS

    names = [c.name for c in DATASETS[slug].columns]
    csv_response = client.get(f"/open-data/{slug}.csv")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == f'attachment; filename="asean-digital-{slug}.csv"'
    rows = list(csv.reader(io.StringIO(body_of(csv_response).decode("utf-8-sig"))))
    assert rows[0] == names and len(rows) > 1

    xlsx = client.get(f"/open-data/{slug}.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert f"asean-digital-{slug}.xlsx" in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(body_of(xlsx)), read_only=True).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert list(xlsx_rows[0]) == names and len(xlsx_rows) == len(rows)

    data = json.loads(body_of(client.get(f"/open-data/{slug}.json")))
    assert list(data[0]) == names and len(data) == len(rows) - 1


def test_downloads_neutralise_formulas(client, telsom, reviewer, period):
    accepted(telsom, reviewer, period, "AWPEC-13", '=HYPERLINK("http://evil.example","click")')

    rows = list(csv.reader(io.StringIO(body_of(client.get(f"/open-data/updates.csv?period={period.code}")).decode())))
    assert rows[1][8] == '\'=HYPERLINK("http://evil.example","click")'
    sheet = load_workbook(io.BytesIO(body_of(client.get(f"/open-data/updates.xlsx?period={period.code}")))).active
    assert sheet.cell(row=2, column=9).value.startswith("'=") and sheet.cell(row=2, column=9).data_type == "s"


def test_downloads_split_by_period_and_refuse_unknown_ones(client, telsom, reviewer, period):
    accepted(telsom, reviewer, period, "AWPEC-13", "Only this one.")
    data = json.loads(body_of(client.get(f"/open-data/updates.json?period={period.code}")))
    assert [row["initiative"] for row in data] == ["AWPEC-13"]
    assert client.get("/open-data/updates.json?period=1999-H1").status_code == 404
    assert client.get("/open-data/updates.exe").status_code == 404
    assert client.get("/open-data/secrets.csv").status_code == 404
    assert client.get("/open-data/catalogue.csv?period=2019-H2").status_code == 404
    assert client.post("/open-data/updates.csv").status_code == 405


@pytest.mark.parametrize("slug", ["catalogue", "updates", "member-states"])
def test_downloads_take_a_fixed_number_of_queries(client, slug, telsom, reviewer, period):
    def count():
        with CaptureQueriesContext(connection) as queries:
            body_of(client.get(f"/open-data/{slug}.csv"))
        return len(queries)

    before = count()
    for code in ("AWPEC-11", "AWPEC-12", "AWPEC-13"):
        accepted(telsom, reviewer, period, code, "More.")
    assert count() == before
    assert Update.objects.public().count() > 3
