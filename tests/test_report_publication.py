"""Publishing progress reports to the public, and withdrawing them: the Secretariat's logged decision.

Issued reports circulate inside ASEAN; the public sees only what the Secretariat publishes, at the same URLs.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.models import Period
from reports import services
from reports.models import ProgressReport, PublicationEvent
from tests.helpers import api_as, user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def issue(title="Baseline to SEOM", django_capture_on_commit_callbacks=None):
    return services.report_issue(user=user("accec"), period=Period.objects.get(code="2019-H2"), title=title)


@pytest.fixture
def built(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = issue()
    report.refresh_from_db()
    assert report.is_ready
    return report


@pytest.fixture
def published(built):
    return services.report_publish(user=user("secretariat"), report=built)


# The rules -----------------------------------------------------------------------------------------------------


def test_the_secretariat_publishes_a_built_report_and_the_log_says_who_and_when(built):
    report = services.report_publish(user=user("secretariat"), report=built)

    assert ProgressReport.objects.public().get() == report
    event = PublicationEvent.objects.get(report=report)
    assert (event.action, event.by.username, event.at) == ("published", "secretariat", report.published_at)


def test_only_the_secretariat_may_publish(built):
    for username in ("accec", "telsom"):
        with pytest.raises(PermissionDenied):
            services.report_publish(user=user(username), report=built)
    assert not ProgressReport.objects.public().exists()
    assert not PublicationEvent.objects.exists()


def test_a_report_still_building_cannot_be_published(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        building = issue()
    with pytest.raises(services.WrongPublicationState, match="building"):
        services.report_publish(user=user("secretariat"), report=building)
    assert not ProgressReport.objects.public().exists()


def test_publishing_twice_is_refused(published):
    with pytest.raises(services.WrongPublicationState, match="already public"):
        services.report_publish(user=user("secretariat"), report=published)
    assert PublicationEvent.objects.count() == 1


def test_withdrawing_needs_a_reason_that_stays_public(published):
    with pytest.raises(ValidationError):
        services.report_withdraw(user=user("secretariat"), report=published, reason="  ")
    with pytest.raises(ValidationError, match="500 characters"):
        services.report_withdraw(user=user("secretariat"), report=published, reason="x" * 501)
    assert ProgressReport.objects.public().exists()

    report = services.report_withdraw(user=user("secretariat"), report=published, reason="Figures for VN corrected.")

    assert not ProgressReport.objects.public().exists()
    assert list(ProgressReport.objects.withdrawn_from_public()) == [report]
    event = PublicationEvent.objects.get(action="withdrawn")
    assert (event.by.username, event.reason) == ("secretariat", "Figures for VN corrected.")


def test_a_withdrawn_report_is_not_published_again_nor_withdrawn_twice(published):
    report = services.report_withdraw(user=user("secretariat"), report=published, reason="Superseded.")
    with pytest.raises(services.WrongPublicationState):
        services.report_publish(user=user("secretariat"), report=report)
    with pytest.raises(services.WrongPublicationState):
        services.report_withdraw(user=user("secretariat"), report=report, reason="Again.")


def test_only_the_secretariat_may_withdraw(published):
    with pytest.raises(PermissionDenied):
        services.report_withdraw(user=user("accec"), report=published, reason="Mine.")
    assert ProgressReport.objects.public().exists()


# The browser ---------------------------------------------------------------------------------------------------


def test_the_secretariat_publishes_from_the_report_page(client, built):
    client.force_login(user("secretariat"))
    page = client.get(f"/reports/{built.pk}/").content.decode()
    assert "Publish" in page and f"/reports/{built.pk}/publish/" in page

    client.post(f"/reports/{built.pk}/publish/", {"confirm": "on"})

    assert ProgressReport.objects.public().filter(pk=built.pk).exists()
    assert "Withdraw from public view" in client.get(f"/reports/{built.pk}/").content.decode()


def test_a_reviewer_sees_no_publish_button_and_is_refused(client, built):
    client.force_login(user("accec"))
    assert f"/reports/{built.pk}/publish/" not in client.get(f"/reports/{built.pk}/").content.decode()
    assert client.post(f"/reports/{built.pk}/publish/").status_code == 403
    assert not ProgressReport.objects.public().exists()


def test_withdrawing_in_the_browser_without_a_reason_says_so(client, published):
    client.force_login(user("secretariat"))
    page = client.post(f"/reports/{published.pk}/withdraw/", {"reason": ""}, follow=True).content.decode()
    assert "required" in page
    assert ProgressReport.objects.public().exists()

    client.post(f"/reports/{published.pk}/withdraw/", {"reason": "Corrected figures follow."})
    assert not ProgressReport.objects.public().exists()


# The API -------------------------------------------------------------------------------------------------------


def test_the_api_publishes_and_withdraws_with_403_and_409(built):
    assert api_as("accec").post(f"/api/v1/reports/{built.pk}/publish/").status_code == 403

    answer = api_as("secretariat").post(f"/api/v1/reports/{built.pk}/publish/")
    assert answer.status_code == 200 and answer.json()["published_at"]
    assert api_as("secretariat").post(f"/api/v1/reports/{built.pk}/publish/").status_code == 409

    assert api_as("secretariat").post(f"/api/v1/reports/{built.pk}/withdraw/", {}, format="json").status_code == 400
    assert (
        api_as("accec").post(f"/api/v1/reports/{built.pk}/withdraw/", {"reason": "x"}, format="json").status_code == 403
    )
    answer = api_as("secretariat").post(
        f"/api/v1/reports/{built.pk}/withdraw/", {"reason": "Superseded by version 2."}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["withdrawal_reason"] == "Superseded by version 2."
    again = api_as("secretariat").post(f"/api/v1/reports/{built.pk}/withdraw/", {"reason": "x"}, format="json")
    assert again.status_code == 409


def test_the_schema_documents_publish_and_withdraw(client):
    client.force_login(user("secretariat"))
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/reports/{id}/publish/" in schema and "/api/v1/reports/{id}/withdraw/" in schema


# What the public sees ------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_reads_and_downloads_a_published_report(client, published):
    listing = client.get("/reports/").content.decode()
    assert published.title in listing

    page = client.get(f"/reports/{published.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    for control in ("/retry/", "/publish/", "/withdraw/", "/progress/", "Build and issue"):
        assert control not in text, control
    for person in (published.issued_by, published.published_by):  # the public sees ACCEC, not the people
        assert person.get_full_name() and person.get_full_name() not in text

    pdf = client.get(f"/reports/{published.pk}/download/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_an_unpublished_report_answers_404_to_the_public_at_every_address(client, built):
    for address in ("", "download/pdf/", "download/csv/", "progress/"):
        assert client.get(f"/reports/{built.pk}/{address}").status_code == 404, address
    assert built.title not in client.get("/reports/").content.decode()


def test_a_withdrawn_report_is_listed_with_its_reason_but_not_served(client, published):
    services.report_withdraw(user=user("secretariat"), report=published, reason="Figures for VN corrected.")

    listing = client.get("/reports/").content.decode()
    assert "Figures for VN corrected." in listing
    assert f"/reports/{published.pk}/" not in listing
    assert client.get(f"/reports/{published.pk}/").status_code == 404
    assert client.get(f"/reports/{published.pk}/download/pdf/").status_code == 404


def test_logged_in_people_keep_the_working_list(client, built):
    client.force_login(user("telsom"))
    assert built.title in client.get("/reports/").content.decode()


def test_the_home_page_links_the_latest_published_report_and_its_pdf(client, published):
    home = client.get("/").content.decode()
    assert "Latest published report" in home
    assert published.get_absolute_url() in home and f"/reports/{published.pk}/download/pdf/" in home


def test_the_home_page_has_no_block_while_nothing_is_published(client, built):
    assert "Latest published report" not in client.get("/").content.decode()


def test_the_reports_feed_lists_published_reports_only(client, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        other = issue("Internal draft to SEOM")
    feed = client.get("/feeds/reports/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert published.title in body and f"/reports/{published.pk}/" in body
    assert other.title not in body


def test_the_sitemap_lists_public_reports_and_the_catalogue(client, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        other = issue("Internal draft to SEOM")
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/reports/{published.pk}/</loc>" in sitemap
    assert f"/reports/{other.pk}/</loc>" not in sitemap
    assert "/programmes/DIFAP/</loc>" in sitemap and "/initiatives/AWPEC-16/</loc>" in sitemap
    assert "/member-states/VN/</loc>" in sitemap and "/bodies/TELSOM/</loc>" in sitemap
    assert "/open-data/</loc>" in sitemap


def test_pages_carry_a_canonical_address_and_a_description(client, published):
    page = client.get(f"/reports/{published.pk}/").content.decode()
    assert f'<link rel="canonical" href="http://testserver/reports/{published.pk}/">' in page
    assert '<meta name="description" content="Baseline to SEOM' in page


def test_the_public_report_pages_and_feed_take_a_fixed_number_of_queries(client, published):
    def count(address):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    before = [count(a) for a in ("/reports/", f"/reports/{published.pk}/", "/feeds/reports/", "/")]
    for n in range(3):
        services.report_publish(user=user("secretariat"), report=_copy(published, n))
    after = [count(a) for a in ("/reports/", f"/reports/{published.pk}/", "/feeds/reports/", "/")]
    assert before == after


def _copy(report, n):
    copy = ProgressReport.objects.get(pk=report.pk)
    copy.pk, copy.version, copy.published_at, copy.published_by = None, report.version + 1 + n, None, None
    copy.save()
    return copy
