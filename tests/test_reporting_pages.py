"""The reporting pages: what each person sees, and that the browser goes through the same rules as the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from reporting import services
from reporting.models import Period, Update
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(secretariat, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.period_open(
            user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2)
        )


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def file_form(**overrides):
    return {"status": "in_progress", "progress": "30", "narrative": "Workshop held in Jakarta.", **overrides}


def new_update_url(period, code, body):
    return f"/reporting/updates/new/?period={period.code}&initiative={code}&body={body}"


def test_a_reporter_sees_what_the_body_owes(client, period):
    content = login(client, "telsom").get("/reporting/").content.decode()
    assert "TELSOM: reports owed for 2026-H2" in content
    assert "AWPEC-1.1" in content
    assert "AWPEC-8.1" not in content  # ACCP's


def test_the_reviewer_sees_the_queue_and_the_chase_list(client, period, telsom):
    line = Initiative.objects.get(code="AWPEC-1.1")
    services.update_create(
        user=telsom,
        period=period,
        initiative=line,
        body=telsom.body,
        values={"status": "in_progress", "progress": 10, "narrative": "x"},
        submit=True,
    )
    content = login(client, "accec").get("/reporting/").content.decode()
    assert "Awaiting your review" in content and "AWPEC-1.1" in content
    assert "Who has not reported" in content


def test_filing_through_the_browser_creates_a_submitted_update(client, period):
    response = login(client, "telsom").post(
        "/reporting/updates/new/",
        {**file_form(), "period": period.code, "initiative": "AWPEC-1.1", "body": "TELSOM", "submit": "1"},
    )
    update = Update.objects.get(period=period, initiative__code="AWPEC-1.1")
    assert response.status_code == 302 and response["Location"] == update.get_absolute_url()
    assert update.state == Update.State.SUBMITTED
    assert update.author.username == "telsom" and not update.on_behalf


def test_a_mistake_is_explained_and_nothing_typed_is_lost(client, period):
    response = login(client, "telsom").post(
        "/reporting/updates/new/",
        {
            **file_form(status="delayed", progress="20"),
            "period": period.code,
            "initiative": "AWPEC-1.1",
            "body": "TELSOM",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Say why the line is delayed: choose a reason." in content
    assert "Workshop held in Jakarta." in content
    assert not Update.objects.filter(period=period, initiative__code="AWPEC-1.1").exists()


def test_a_reporter_cannot_open_the_form_for_another_bodys_line(client, period):
    response = login(client, "telsom").get(new_update_url(period, "AWPEC-8.1", "ACCP"))
    assert response.status_code == 403
    assert "Only ACCP&#x27;s own reporters or the ASEAN Secretariat" in response.content.decode()


def test_the_secretariat_files_on_behalf_of_a_body(client, period):
    login(client, "secretariat").post(
        "/reporting/updates/new/", {**file_form(), "period": period.code, "initiative": "AWPEC-8.1", "body": "ACCP"}
    )
    update = Update.objects.get(period=period, initiative__code="AWPEC-8.1")
    assert update.on_behalf and update.author.username == "secretariat" and update.state == Update.State.DRAFT


def test_a_stale_edit_is_refused_with_a_clear_message(client, period, telsom):
    line = Initiative.objects.get(code="AWPEC-1.1")
    update = services.update_create(
        user=telsom,
        period=period,
        initiative=line,
        body=telsom.body,
        values={"status": "in_progress", "progress": 10, "narrative": "first"},
    )
    read_version = update.version
    services.update_edit(
        user=User.objects.get(username="secretariat"),
        update=update,
        values={"narrative": "edited by the Secretariat"},
        version=read_version,
    )
    response = login(client, "telsom").post(
        f"/reporting/updates/{update.pk}/edit/", {**file_form(narrative="mine"), "version": read_version}
    )
    assert "after you opened it. Your change was not saved" in response.content.decode()
    update.refresh_from_db()
    assert update.narrative == "edited by the Secretariat"


def test_returning_needs_a_comment_and_says_so(client, period, telsom):
    line = Initiative.objects.get(code="AWPEC-1.1")
    update = services.update_create(
        user=telsom,
        period=period,
        initiative=line,
        body=telsom.body,
        values={"status": "in_progress", "progress": 10, "narrative": "x"},
        submit=True,
    )
    response = login(client, "accec").post(f"/reporting/updates/{update.pk}/return/", {"comment": " "}, follow=True)
    assert "Say what needs revising" in response.content.decode()
    update.refresh_from_db()
    assert update.state == Update.State.SUBMITTED


def test_evidence_files_download_as_attachments_never_inline(client, period, telsom, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    line = Initiative.objects.get(code="AWPEC-1.1")
    update = services.update_create(
        user=telsom,
        period=period,
        initiative=line,
        body=telsom.body,
        values={"status": "in_progress", "progress": 10, "narrative": "x"},
    )
    pdf = SimpleUploadedFile("map.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    evidence = services.evidence_add_file(user=telsom, update=update, title="Map", upload=pdf)
    response = login(client, "accp").get(f"/reporting/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


@pytest.fixture
def open_period(secretariat):
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


def test_the_secretariat_corrects_a_status_on_the_line_page(client, open_period):
    line = Initiative.objects.get(code="AWPEC-8.3")
    staff = login(client, "secretariat")
    assert 'id="correct"' in staff.get(line.get_absolute_url()).content.decode()
    target = "completed" if line.status != "completed" else "in_progress"
    response = staff.post(
        f"/initiatives/{line.code}/status/", {"status": target, "note": "Per SEOM.", "version": line.version}
    )
    assert response.status_code == 302 and response["Location"] == f"{line.get_absolute_url()}#correct"
    line.refresh_from_db()
    assert line.status == target
    assert line.history.first().history_user.username == "secretariat"


def test_a_stale_correction_is_refused_with_its_message(client, open_period):
    line = Initiative.objects.get(code="AWPEC-8.3")
    response = login(client, "secretariat").post(
        f"/initiatives/{line.code}/status/",
        {"status": "completed", "note": "Per SEOM.", "version": line.version + 1},
        follow=True,
    )
    assert "Your change was not saved" in response.content.decode()
    line.refresh_from_db()
    assert line.status != "completed"


def test_a_reporter_cannot_correct_a_status(client, open_period):
    line = Initiative.objects.get(code="AWPEC-8.3")
    response = login(client, "telsom").post(
        f"/initiatives/{line.code}/status/", {"status": "completed", "note": "Done.", "version": line.version}
    )
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.status != "completed"


def test_period_pages_and_actions(client, secretariat):
    staff = login(client, "secretariat")
    response = staff.post("/reporting/periods/", {"year": 2027, "half": 1, "deadline": ""})
    assert response.status_code == 302
    period = Period.objects.get(code="2027-H1")
    assert str(period.deadline) == "2027-07-31"
    staff.post(f"/reporting/periods/{period.code}/open/")
    period.refresh_from_db()
    assert period.state == Period.State.OPEN and period.expected_reports.exists()
    content = staff.get(period.get_absolute_url()).content.decode()
    assert "Expected and received" in content and "Lines with no body assigned" in content


def test_a_reporter_cannot_open_a_period(client):
    period = Period.objects.create(year=2028, half=1, deadline=Period.default_deadline(2028, 1))
    response = login(client, "telsom").post(f"/reporting/periods/{period.code}/open/")
    assert response.status_code == 403
    period.refresh_from_db()
    assert period.state == Period.State.UPCOMING


@pytest.mark.parametrize("url", ["/reporting/", "/reporting/updates/", "/reporting/periods/{code}/"])
def test_reporting_pages_do_not_grow_with_the_updates(client, period, url, django_assert_max_num_queries):
    staff = login(client, "secretariat")
    url = url.format(code=period.code)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(url).status_code == 200
        return len(captured)

    baseline = count()
    for entry in period.expected_reports.select_related("initiative", "output", "body")[:12]:
        services.update_create(
            user=User.objects.get(username="secretariat"),
            period=period,
            initiative=entry.initiative,
            output=entry.output,
            body=entry.body,
            values={"status": "in_progress", "progress": 5, "narrative": "n"},
            submit=True,
        )
    with django_assert_max_num_queries(baseline):
        staff.get(url)


def test_the_period_page_counts_the_reasons_for_delay(client, period, telsom):
    services.update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code="AWPEC-1.1"),
        body=telsom.body,
        values={
            "status": "delayed",
            "progress": 20,
            "narrative": "Waiting.",
            "reason": "awaiting_funding",
            "reason_explanation": "The grant is not yet approved.",
        },
        submit=True,
    )
    assert Update.objects.in_period(period).reasons() == [("Awaiting funding", 1)]
    content = login(client, "secretariat").get(period.get_absolute_url()).content.decode()
    assert "Why lines are delayed or discontinued" in content and "Awaiting funding" in content
