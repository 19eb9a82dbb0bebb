"""Filters with choices that grow with the data (bodies, lines) are text boxes that suggest matching choices as one
types, from the server through the same FilterSet, instead of a drop-down of every row (issue 16)."""

import pytest

from accounts.models import User
from reporting.models import Update

pytestmark = pytest.mark.django_db


def test_the_update_list_offers_a_box_for_bodies_and_lines_not_every_option(client):
    client.force_login(User.objects.get(username="secretariat"))

    content = client.get("/reporting/updates/").content.decode()

    assert 'name="body"' in content and 'name="initiative"' in content
    assert '<select name="body"' not in content and '<select name="initiative"' not in content
    assert '<option value="TELSOM"' not in content and '<option value="AWPEC-1.1"' not in content
    assert 'list="id_body-choices"' in content and '<datalist id="id_body-choices"></datalist>' in content
    assert 'data-choices-url="/reporting/updates/choices/_/"' in content
    assert "js/choices.js" in content


def test_a_typed_code_filters_as_the_drop_down_did(client):
    client.force_login(User.objects.get(username="secretariat"))
    baseline = Update.objects.filter(baseline=True).exclude(body=None).first()

    content = client.get(f"/reporting/updates/?body={baseline.body.acronym}").content.decode()

    assert baseline.initiative.code in content
    other = Update.objects.filter(baseline=True).exclude(body=baseline.body).exclude(body=None).first()
    assert f"<td>{other.body.acronym}</td>" not in content
    refused = client.get("/reporting/updates/?body=NO-SUCH-BODY").content.decode()
    assert "Select a valid choice" in refused


def test_suggestions_come_from_the_filter_and_are_few(client):
    client.force_login(User.objects.get(username="secretariat"))

    lines = client.get("/reporting/updates/choices/initiative/?q=awpec-1").json()["results"]
    assert 0 < len(lines) <= 20
    assert all(line["value"].upper().startswith("AWPEC-1") for line in lines)
    assert lines[0]["label"].startswith(lines[0]["value"] + " ")

    bodies = client.get("/reporting/updates/choices/body/?q=telecommunications").json()["results"]
    assert "TELSOM" in [b["value"] for b in bodies]  # found by its name too


def test_only_search_as_you_type_filters_answer_and_update_choices_need_a_login(client):
    assert client.get("/reporting/updates/choices/body/?q=T").status_code == 302  # to the login page
    client.force_login(User.objects.get(username="secretariat"))
    assert client.get("/reporting/updates/choices/status/").status_code == 404
    assert client.get("/reporting/updates/choices/nothing/").status_code == 404


def test_the_public_initiative_list_suggests_bodies(client):
    content = client.get("/initiatives/").content.decode()
    assert '<select name="body"' not in content and 'data-choices="body"' in content

    bodies = client.get("/choices/initiatives/body/?q=tels").json()["results"]
    assert [b["value"] for b in bodies] == ["TELSOM"]
    assert client.get("/choices/initiatives/programme/").status_code == 404
