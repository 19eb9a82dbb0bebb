"""Nothing that is not accepted and public reaches an anonymous visitor, on any page or by guessing a URL."""

import pytest

from reporting import services
from workprogramme.models import Body, MemberState, Programme

from .leaks import LINES, file_marker_updates

pytestmark = pytest.mark.django_db

MARKER = "LeakMarker-9d41e7"


@pytest.fixture
def leaked(secretariat):
    period = services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))
    return file_marker_updates(period, MARKER)


def public_urls():
    urls = ["/", "/initiatives/", f"/initiatives/?search={MARKER}", "/member-states/", "/bodies/"]
    urls += [f"/initiatives/?search={MARKER}&status={status}" for status in ("in_progress", "delayed")]
    urls += [programme.get_absolute_url() for programme in Programme.objects.all()]
    urls += [f"/initiatives/{code}/" for code in LINES]
    urls += [ms.get_absolute_url() for ms in MemberState.objects.all()]
    urls += [body.get_absolute_url() for body in Body.objects.all()]
    return urls


def test_the_marker_is_filed_where_staff_can_see_it(leaked, staff_client):
    # The check below means something only if the marker is really there for people who are logged in.
    assert MARKER in staff_client.get(leaked.updates["returned"].get_absolute_url()).content.decode()
    assert MARKER in staff_client.get(f"/initiatives/{LINES[0]}/").content.decode()  # the edit history


def test_no_public_page_shows_anything_not_public(leaked, client):
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        # A search for the marker echoes it back in its own search box; nowhere else may it appear.
        content = response.content.decode().replace(f'value="{MARKER}"', "")
        assert MARKER.lower() not in content.lower(), url


def test_the_accepted_update_is_public_without_its_restricted_evidence(leaked, client):
    content = client.get(f"/initiatives/{LINES[4]}/").content.decode()
    assert "Public narrative of an accepted update." in content
    assert "1 restricted document (Internal minutes)" in content
    assert "1 restricted document (not confirmed for publication)" in content


def test_guessed_urls_of_updates_and_evidence_never_answer_with_their_content(leaked, client):
    guesses = []
    for update in [*leaked.updates.values(), leaked.accepted]:
        guesses += [f"/reporting/updates/{update.pk}/", f"/reporting/updates/{update.pk}/edit/"]
    guesses += [f"/reporting/evidence/{item.pk}/download/" for item in leaked.evidence]
    guesses += ["/reporting/", "/reporting/updates/", "/reporting/periods/"]
    for url in guesses:
        response = client.get(url)
        # An update's page and a file the public may not open answer 404 (the 404 page offers to sign in), whether
        # or not they exist; every other reporting address sends an anonymous visitor to the login page, before
        # looking anything up.
        if url.endswith("/download/") or (url.startswith("/reporting/updates/") and url[19:-1].isdigit()):
            assert response.status_code == 404, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/"), url
        assert MARKER.lower() not in response.content.decode().lower(), url
