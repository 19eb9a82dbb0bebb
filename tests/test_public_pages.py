"""An anonymous visitor reads the same URLs as staff: the plans, every line and its accepted history, nothing else."""

import pytest

from reporting import services
from reporting.models import Evidence, Update
from workprogramme.models import Initiative, Status

pytestmark = pytest.mark.django_db

SECRET = "INTERNAL-ONLY-5c1e"


@pytest.fixture
def period(secretariat):
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


def accepted_update(telsom, reviewer, period, code, narrative, status="in_progress"):
    update = services.update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code=code),
        body=telsom.body,
        values={"status": status, "progress": 40 if status == "in_progress" else 0, "narrative": narrative},
        submit=True,
    )
    return update


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/programmes/DIFAP/",
        "/programmes/AWPEC/",
        "/initiatives/",
        "/initiatives/?search=roaming&status=completed",
        "/initiatives/AWPEC-16/",
    ],
)
def test_anonymous_visitor_reads_the_public_pages_without_logging_in(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "/status/" not in response.content.decode()  # no status control for the public


def test_anonymous_visitor_can_filter_and_search_the_lines(client):
    content = client.get("/initiatives/?body=WC-PSS").content.decode()
    assert "AWPEC-14.1" in content and "AWPEC-1.1" not in content
    assert "Select a valid choice" in client.get("/initiatives/?status=maybe").content.decode()


def test_unknown_line_is_404_for_the_public(client):
    assert client.get("/initiatives/NOPE/").status_code == 404
    assert client.get("/programmes/NOPE/").status_code == 404


def test_line_page_shows_accepted_history_newest_first_ending_with_the_baseline(client, period, telsom, reviewer):
    update = accepted_update(telsom, reviewer, period, "AWPEC-1.1", "Handbook drafted with the regulators.")
    services.update_accept(user=reviewer, update=update)

    content = client.get("/initiatives/AWPEC-1.1/").content.decode()

    assert "Accepted history" in content
    assert "Handbook drafted with the regulators." in content
    # Newest first, the baseline last (the chart above the history reads oldest first, as time runs).
    assert content.index('id="period-2026-H2"') < content.index('id="period-2019-H2"')
    assert "baseline, DIFAP mid-2019" in content


def test_line_page_never_shows_what_is_not_accepted_nor_who_did_it(client, period, telsom, reviewer, secretariat):
    draft = accepted_update(telsom, reviewer, period, "AWPEC-1.1", f"{SECRET} submitted")
    services.update_return(user=reviewer, update=draft, comment=f"{SECRET} review note")
    line = Initiative.objects.get(code="AWPEC-1.1")
    line.status = Initiative.Status.IN_PROGRESS
    line._history_user = secretariat
    line._change_reason = f"{SECRET} edit reason"
    line.save()

    content = client.get("/initiatives/AWPEC-1.1/").content.decode()

    assert SECRET not in content
    assert "History of edits" not in content
    assert "telsom" not in content  # usernames are lower case; the body (TELSOM) is what the public sees


def test_reporters_and_reviewers_names_are_not_shown_the_body_is(client, period, telsom, reviewer):
    update = accepted_update(telsom, reviewer, period, "AWPEC-1.1", "Study published.")
    services.update_accept(user=reviewer, update=update)
    content = client.get("/initiatives/AWPEC-1.1/").content.decode()
    assert "reported by" in content and ">TELSOM<" in content
    for person in (telsom, reviewer):
        assert person.email not in content
        if person.get_full_name():
            assert person.get_full_name() not in content


def test_public_evidence_is_listed_and_restricted_evidence_only_counted(client, period, telsom, reviewer):
    update = accepted_update(telsom, reviewer, period, "AWPEC-1.1", "Study published.")
    services.evidence_add_link(user=telsom, update=update, title="Published study", url="https://example.org/study")
    hidden = services.evidence_add_link(user=telsom, update=update, title=SECRET, url=f"https://example.org/{SECRET}")
    Evidence.objects.filter(pk=hidden.pk).update(disclosure="restricted", restriction_reason="Draft under negotiation")
    services.update_accept(user=reviewer, update=update)
    Evidence.objects.filter(update=update).update(disclosure_confirmed=True)

    content = client.get("/initiatives/AWPEC-1.1/").content.decode()

    assert 'href="https://example.org/study"' in content and "Published study" in content
    assert "1 restricted document (Draft under negotiation)" in content
    assert SECRET not in content


def test_staff_keep_the_working_view_with_edit_history_and_accepted_history(staff_client, period, telsom, reviewer):
    services.update_accept(user=reviewer, update=accepted_update(telsom, reviewer, period, "AWPEC-1.1", "Done so far."))
    content = staff_client.get("/initiatives/AWPEC-1.1/").content.decode()
    assert "History of edits to this line" in content
    assert "Accepted history" in content and "Done so far." in content
    assert "/initiatives/AWPEC-1.1/status/" in content  # the Secretariat sets statuses in place


def test_home_says_what_changed_in_the_latest_review(client, period, telsom, reviewer):
    assert "2019-H2, the latest period with accepted updates" in client.get("/").content.decode()
    before = Update.objects.public().get(initiative__code="AWPEC-1.1", output=None).status
    now = "not_started" if before == "in_progress" else "in_progress"
    changed = accepted_update(telsom, reviewer, period, "AWPEC-1.1", "Moving.", status=now)
    services.update_accept(user=reviewer, update=changed)
    pending = accepted_update(telsom, reviewer, period, "AWPEC-1.2", f"{SECRET} not yet reviewed")

    content = client.get("/").content.decode()

    assert "2026-H2, the latest period with accepted updates" in content
    assert 'href="/initiatives/AWPEC-1.1/"' in content
    assert Status(before).label in content.split("What changed")[1]
    assert SECRET not in content and pending.initiative.code + "/" not in content.split("What changed")[1]


def test_member_state_page_shows_the_latest_accepted_status_per_line(client):
    index = client.get("/member-states/").content.decode()
    assert 'href="/member-states/VN/"' in index
    content = client.get("/member-states/VN/").content.decode()
    assert "Viet Nam" in content
    assert "2019 baseline" in content  # DIFAP's mid-2019 per-Member-State statuses are accepted history
    assert client.get("/member-states/XX/").status_code == 404


def test_body_page_lists_its_lines_and_a_reporting_record_from_accepted_facts(client, period, telsom, reviewer):
    services.update_accept(user=reviewer, update=accepted_update(telsom, reviewer, period, "AWPEC-1.1", "Done."))
    accepted_update(telsom, reviewer, period, "AWPEC-1.2", f"{SECRET} submitted, not accepted")
    expected = period.expected_reports.filter(body=telsom.body).count()

    content = client.get("/bodies/TELSOM/").content.decode()

    assert 'href="/initiatives/AWPEC-1.1/"' in content
    assert "Missing: expected, and no update accepted" in content  # the page says how it counts
    row = content.split("<td>2026-H2")[1].split("</tr>")[0]
    assert f"<td>{expected}</td><td>1</td><td>0</td><td>{expected - 1}</td>" in row
    assert SECRET not in content
    assert 'href="/bodies/TELSOM/"' in client.get("/bodies/").content.decode()
    assert client.get("/bodies/NOPE/").status_code == 404


def test_line_page_links_its_bodies_and_member_states(client):
    content = client.get("/initiatives/AWPEC-1.1/").content.decode()
    assert 'href="/bodies/TELSOM/"' in content


def test_a_line_accepted_for_the_first_time_is_listed_as_changed(client, period, telsom, reviewer):
    # DIFAP-2.2 had no 2019 status: its first accepted update is a change (from nothing), and says so.
    first = services.update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code="DIFAP-2.2"),
        body=telsom.body,
        values={"status": "in_progress", "progress": 10, "narrative": "Scheme drafted."},
        submit=True,
    )
    services.update_accept(user=reviewer, update=first)
    changes = client.get("/").content.decode().split("What changed")[1]
    assert 'href="/initiatives/DIFAP-2.2/"' in changes
