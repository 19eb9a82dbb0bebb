"""Who may open a piece of evidence: the filing body proposes, the reviewer confirms by accepting, and until then
the public is told only that the document exists."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reporting import services
from reporting.models import Comment, Evidence, Update
from tests.helpers import api_as, browser_as, user
from workprogramme.models import Body, Initiative

from .test_report_rollup import plan  # noqa: F401  (the hand-made plan fixture)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def submitted(plan):  # noqa: F811
    """ACCP's submitted update on T-3, with a study it proposes public and minutes it proposes to restrict."""
    update = services.update_create(
        user=user("accp"),
        period=plan[1],
        initiative=Initiative.objects.get(code="T-3"),
        body=Body.objects.get(acronym="ACCP"),
        values={"status": "in_progress", "progress": 30, "narrative": "Study under way."},
    )
    services.evidence_add_link(user=user("accp"), update=update, title="The study", url="https://example.org/s")
    services.evidence_add_link(
        user=user("accp"),
        update=update,
        title="Minutes of the closed session",
        kind=Evidence.Kind.MEETING,
        disclosure=Evidence.Disclosure.RESTRICTED,
        restriction_reason="Shared in confidence by a dialogue partner",
    )
    return services.update_submit(user=user("accp"), update=update)


def evidence(update, title):
    return Evidence.objects.get(update=update, title=title)


def test_the_filer_proposes_and_nothing_is_public_before_acceptance(submitted):
    study, minutes = evidence(submitted, "The study"), evidence(submitted, "Minutes of the closed session")
    assert (study.disclosure, study.disclosure_confirmed) == ("public", False)
    assert (minutes.disclosure, minutes.restriction_reason) == (
        "restricted",
        "Shared in confidence by a dialogue partner",
    )
    assert not Evidence.objects.public().filter(update=submitted).exists()


def test_a_restriction_needs_the_reason_the_public_will_read_and_nothing_is_saved_without_it(plan):  # noqa: F811
    update = services.update_create(
        user=user("accp"),
        period=plan[1],
        initiative=Initiative.objects.get(code="T-5"),
        body=Body.objects.get(acronym="ACCP"),
        values={"status": "in_progress", "progress": 5, "narrative": "Starting."},
    )
    with pytest.raises(ValidationError) as refused:
        services.evidence_add_link(
            user=user("accp"),
            update=update,
            title="Draft terms",
            url="https://example.org/t",
            disclosure="restricted",
            restriction_reason="   ",
        )
    assert "restriction_reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.evidence_add_link(
            user=user("accp"), update=update, title="Draft terms", url="https://example.org/t", disclosure="secret"
        )
    assert "disclosure" in refused.value.message_dict
    assert not Evidence.objects.filter(update=update).exists()


def test_accepting_confirms_the_proposals_and_the_public_opens_only_the_public_one(submitted):
    services.update_accept(user=user("accec"), update=submitted)
    stored = {e.title: (e.disclosure, e.disclosure_confirmed) for e in Evidence.objects.filter(update=submitted)}
    assert stored == {"The study": ("public", True), "Minutes of the closed session": ("restricted", True)}
    assert list(Evidence.objects.public().values_list("title", flat=True)) == ["The study"]

    page = Client().get("/initiatives/T-3/").content.decode()
    assert "The study" in page and "Minutes of the closed session" not in page
    assert "1 restricted document (Shared in confidence by a dialogue partner)" in page


def test_the_reviewer_restricts_a_document_when_accepting_and_the_body_is_told(submitted):
    study = evidence(submitted, "The study")
    services.update_accept(
        user=user("accec"),
        update=submitted,
        disclosures={study.pk: ("restricted", "Names officials who asked not to be named")},
    )
    study.refresh_from_db()
    assert (study.disclosure, study.restriction_reason, study.disclosure_confirmed) == (
        "restricted",
        "Names officials who asked not to be named",
        True,
    )
    assert not Evidence.objects.public().filter(update=submitted).exists()
    comment = Comment.objects.get(update=submitted)
    assert comment.author == user("accec")
    assert "\u201cThe study\u201d: restricted (Names officials who asked not to be named)" in comment.text


def test_a_bad_decision_at_acceptance_accepts_nothing(submitted):
    study = evidence(submitted, "The study")
    with pytest.raises(ValidationError):
        services.update_accept(user=user("accec"), update=submitted, disclosures={study.pk: ("restricted", "")})
    with pytest.raises(ValidationError):
        services.update_accept(user=user("accec"), update=submitted, disclosures={999999: ("public", "")})
    assert Update.objects.get(pk=submitted.pk).state == Update.State.SUBMITTED
    assert not Evidence.objects.filter(update=submitted, disclosure_confirmed=True).exists()


def test_the_reviewer_changes_a_proposal_before_accepting_and_the_update_moves_to_a_new_version(submitted):
    minutes = evidence(submitted, "Minutes of the closed session")
    services.evidence_set_disclosure(user=user("accec"), evidence=minutes, disclosure="public")
    minutes.refresh_from_db()
    assert (minutes.disclosure, minutes.restriction_reason, minutes.disclosure_confirmed) == ("public", "", False)
    update = Update.objects.get(pk=submitted.pk)
    assert update.version == submitted.version + 1
    assert update.history.latest().history_change_reason == f"Evidence {minutes.pk}: public"
    assert Comment.objects.filter(update=update, author=user("accec")).exists()


def test_another_body_cannot_decide_and_the_filer_cannot_once_accepted(submitted):
    study = evidence(submitted, "The study")
    with pytest.raises(PermissionDenied):
        services.evidence_set_disclosure(
            user=user("telsom"), evidence=study, disclosure="restricted", restriction_reason="No."
        )
    services.update_accept(user=user("accec"), update=submitted)
    with pytest.raises(PermissionDenied):
        services.evidence_set_disclosure(
            user=user("accp"), evidence=study, disclosure="restricted", restriction_reason="Changed our mind"
        )
    study.refresh_from_db()
    assert (study.disclosure, study.disclosure_confirmed) == ("public", True)


def test_the_secretariat_withdraws_a_published_document_from_public_view_at_once(submitted):
    services.update_accept(user=user("accec"), update=submitted)
    study = evidence(submitted, "The study")
    services.evidence_set_disclosure(
        user=user("secretariat"), evidence=study, disclosure="restricted", restriction_reason="Superseded draft"
    )
    assert not Evidence.objects.public().filter(update=submitted).exists()
    page = Client().get("/initiatives/T-3/").content.decode()
    assert "The study" not in page and "1 restricted document (Superseded draft)" in page


def test_the_secretariat_confirms_evidence_accepted_before_disclosure_was_reviewed(submitted):
    services.update_accept(user=user("accec"), update=submitted)
    study = evidence(submitted, "The study")
    Evidence.objects.filter(pk=study.pk).update(disclosure_confirmed=False)  # as legacy rows are
    assert "1 restricted document (not confirmed for publication)" in Client().get("/initiatives/T-3/").content.decode()
    services.evidence_set_disclosure(user=user("secretariat"), evidence=study, disclosure="public")
    assert Evidence.objects.public().get() == study


# In the browser --------------------------------------------------------------------------------------------------


def test_the_filer_restricts_a_link_in_the_browser_and_is_told_when_the_reason_is_missing(submitted):
    browser = browser_as("accp")
    url = f"/reporting/updates/{submitted.pk}/evidence/"
    fields = {"title": "Budget annex", "kind": "link", "url": "https://example.org/b", "disclosure": "restricted"}
    response = browser.post(url, fields, follow=True)
    assert "Say why the public may not open it" in response.content.decode()
    assert not Evidence.objects.filter(title="Budget annex").exists()

    browser.post(url, {**fields, "restriction_reason": "Commercially sensitive figures"})
    annex = Evidence.objects.get(title="Budget annex")
    assert (annex.disclosure, annex.restriction_reason) == ("restricted", "Commercially sensitive figures")
    page = browser.get(submitted.get_absolute_url()).content.decode()
    assert "Restricted: Commercially sensitive figures" in page and "proposed; the reviewer confirms it" in page


def test_the_reviewer_changes_a_proposal_in_the_browser(submitted):
    study = evidence(submitted, "The study")
    browser = browser_as("accec")
    page = browser.get(submitted.get_absolute_url()).content.decode()
    assert f'action="/reporting/evidence/{study.pk}/disclosure/"' in page
    assert "Accepting confirms who may open each piece of evidence" in page
    browser.post(
        f"/reporting/evidence/{study.pk}/disclosure/",
        {"disclosure": "restricted", "restriction_reason": "Draft, not for citation"},
    )
    study.refresh_from_db()
    assert (study.disclosure, study.restriction_reason) == ("restricted", "Draft, not for citation")


def test_no_disclosure_controls_for_someone_who_may_not_decide(submitted):
    study = evidence(submitted, "The study")
    page = browser_as("telsom").get(submitted.get_absolute_url()).content.decode()
    assert f"/reporting/evidence/{study.pk}/disclosure/" not in page
    browser_as("telsom").post(
        f"/reporting/evidence/{study.pk}/disclosure/", {"disclosure": "restricted", "restriction_reason": "x"}
    )
    study.refresh_from_db()
    assert study.disclosure == "public"


# Through the API -------------------------------------------------------------------------------------------------


def test_the_api_files_restricted_evidence_and_refuses_an_empty_reason(submitted):
    api = api_as("accp")
    url = f"/api/v1/updates/{submitted.pk}/evidence/"
    answer = api.post(
        url, {"title": "Annex", "url": "https://example.org/a", "restriction_reason": "In confidence"}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["disclosure"], answer.json()["restriction_reason"]) == ("restricted", "In confidence")
    assert answer.json()["disclosure_confirmed"] is False

    refused = api.post(
        url, {"title": "Annex 2", "url": "https://example.org/b", "restriction_reason": " "}, format="json"
    )
    assert refused.status_code == 400 and "restriction_reason" in refused.json()
    assert not Evidence.objects.filter(title="Annex 2").exists()

    public = api.post(url, {"title": "Annex 3", "url": "https://example.org/c"}, format="json")
    assert public.json()["disclosure"] == "public"


def test_the_api_reviewer_restricts_while_accepting(submitted):
    study = evidence(submitted, "The study")
    answer = api_as("accec").post(
        f"/api/v1/updates/{submitted.pk}/accept/",
        {"evidence": [{"id": study.pk, "restriction_reason": "Not for citation"}]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    shown = {e["title"]: (e["disclosure"], e["disclosure_confirmed"]) for e in answer.json()["evidence"]}
    assert shown["The study"] == ("restricted", True)
    assert Evidence.objects.get(pk=study.pk).restriction_reason == "Not for citation"


def test_the_api_refuses_a_decision_on_evidence_of_another_update_and_accepts_nothing(submitted):
    answer = api_as("accec").post(
        f"/api/v1/updates/{submitted.pk}/accept/",
        {"evidence": [{"id": 999999, "restriction_reason": None}]},
        format="json",
    )
    assert answer.status_code == 404  # well formed, naming no evidence of this update
    assert answer.json() == {"evidence": ["Evidence 999999 is not on this update."]}
    assert Update.objects.get(pk=submitted.pk).state == Update.State.SUBMITTED


def test_the_api_secretariat_patches_disclosure_on_an_accepted_update(submitted):
    services.update_accept(user=user("accec"), update=submitted)
    minutes = evidence(submitted, "Minutes of the closed session")
    url = f"/api/v1/updates/{submitted.pk}/evidence/{minutes.pk}/"
    refused = api_as("accp").patch(url, {"restriction_reason": None}, format="json")
    assert refused.status_code == 403
    answer = api_as("secretariat").patch(url, {"restriction_reason": None}, format="json")
    assert answer.status_code == 200, answer.content
    assert Evidence.objects.public().filter(pk=minutes.pk).exists()


# Files for the public ----------------------------------------------------------------------------------------------


@pytest.fixture
def files(plan, tmp_path, settings):  # noqa: F811
    """Two PDFs on an update of T-5: one the public may open, one restricted."""
    settings.MEDIA_ROOT = tmp_path
    update = services.update_create(
        user=user("accp"),
        period=plan[1],
        initiative=Initiative.objects.get(code="T-5"),
        body=Body.objects.get(acronym="ACCP"),
        values={"status": "in_progress", "progress": 50, "narrative": "Half way."},
    )
    open_one = services.evidence_add_file(
        user=user("accp"), update=update, title="Signed MoU", upload=SimpleUploadedFile("mou.pdf", PDF)
    )
    closed = services.evidence_add_file(
        user=user("accp"),
        update=update,
        title="Negotiating notes",
        upload=SimpleUploadedFile("notes.pdf", PDF + b"% notes\n"),
        disclosure="restricted",
        restriction_reason="Negotiating position",
    )
    return update, open_one, closed


def test_anyone_downloads_a_public_file_as_an_attachment_once_accepted(files):
    update, open_one, closed = files
    assert Client().get(f"/reporting/evidence/{open_one.pk}/download/").status_code == 404  # not yet accepted
    services.update_submit(user=user("accp"), update=update)
    services.update_accept(user=user("accec"), update=update)
    response = Client().get(f"/reporting/evidence/{open_one.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert Client().get(f"/reporting/evidence/{closed.pk}/download/").status_code == 404
    line_page = Client().get("/initiatives/T-5/").content.decode()
    assert f'href="/reporting/evidence/{open_one.pk}/download/"' in line_page
    assert "Negotiating notes" not in line_page and "1 restricted document (Negotiating position)" in line_page
    assert browser_as("telsom").get(f"/reporting/evidence/{closed.pk}/download/").status_code == 200


def test_a_visitor_guessing_an_update_number_finds_nothing_but_an_offer_to_sign_in(submitted):
    response = Client().get(submitted.get_absolute_url())
    assert response.status_code == 404
    page = response.content.decode()
    assert "Study under way." not in page
    assert f"/accounts/login/?next=/reporting/updates/{submitted.pk}/" in page
