"""Every free text of an update and its satellites has one maximum length, refused with a message by the forms,
the API (and published in its schema), the services and the database alike: nothing longer is ever stored."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from reporting import services
from reporting.limits import (
    EXPLANATION_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
)
from reporting.models import Comment, Update

from .test_api_base import (
    API,
    PERIOD,
    accp_submitted,
    api_media_root,
    content,
    fresh_cache,
    line,
    period,
    reviewer_api,
    telsom_api,
    telsom_draft,
    user,
)

FIXTURES = (accp_submitted, api_media_root, fresh_cache, period, reviewer_api, telsom_api, telsom_draft)

pytestmark = pytest.mark.django_db

TOO_LONG = {
    "narrative": NARRATIVE_MAX_LENGTH + 1,
    "next_steps": NOTE_MAX_LENGTH + 1,
    "blockers": NOTE_MAX_LENGTH + 1,
    "reason_explanation": EXPLANATION_MAX_LENGTH + 1,
}


@pytest.mark.parametrize(("field", "length"), TOO_LONG.items())
def test_the_api_refuses_a_text_one_character_over_its_limit(telsom_api, period, field, length):
    extra = {"status": "delayed", "progress": 20, "reason": "capacity"} if field == "reason_explanation" else {}
    body = {"initiative": line("AWPEC-1.1").pk, "period": PERIOD, **content(**extra), field: "x" * length}
    response = telsom_api.post(f"{API}/updates/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert f"no more than {length - 1} characters" in response.json()[field][0]
    assert not Update.objects.filter(period=period).exists()


def test_a_narrative_at_the_limit_is_stored_whole(telsom_api, period):
    body = {"initiative": line("AWPEC-1.1").pk, "period": PERIOD, **content(narrative="y" * NARRATIVE_MAX_LENGTH)}
    response = telsom_api.post(f"{API}/updates/", body, format="json")
    assert response.status_code == 201, response.content[:300]
    assert len(Update.objects.get(period=period).narrative) == NARRATIVE_MAX_LENGTH


def test_a_patch_cannot_grow_a_draft_beyond_the_limit(telsom_api, telsom_draft):
    response = telsom_api.patch(
        f"{API}/updates/{telsom_draft.pk}/",
        {"blockers": "b" * (NOTE_MAX_LENGTH + 1)},
        format="json",
        HTTP_IF_MATCH=f'"{telsom_draft.version}"',
    )
    assert response.status_code == 400
    assert "blockers" in response.json()
    assert Update.objects.get(pk=telsom_draft.pk).blockers == ""


def test_a_return_comment_over_the_limit_is_refused(reviewer_api, accp_submitted):
    response = reviewer_api.post(
        f"{API}/updates/{accp_submitted.pk}/return/", {"comment": "c" * (NOTE_MAX_LENGTH + 1)}, format="json"
    )
    assert response.status_code == 400
    assert "comment" in response.json()
    assert Update.objects.get(pk=accp_submitted.pk).state == "submitted"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "t" * (TITLE_MAX_LENGTH + 1)), ("url", "https://example.org/" + "u" * URL_MAX_LENGTH)],
)
def test_an_evidence_link_over_the_limits_is_refused(telsom_api, telsom_draft, field, value):
    link = {"title": "Meeting report", "url": "https://example.org/report.pdf", field: value}
    response = telsom_api.post(f"{API}/updates/{telsom_draft.pk}/evidence/", link, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not telsom_draft.evidence.exists()


def test_the_services_refuse_whoever_calls_them(period):
    """The rule is in the domain: a Celery task or a management command cannot store more either."""
    with pytest.raises(ValidationError) as refused:
        services.update_create(
            user=user("telsom"),
            period=period,
            initiative=line("AWPEC-1.1"),
            body=user("telsom").body,
            values=content(narrative="z" * (NARRATIVE_MAX_LENGTH + 1)),
        )
    assert refused.value.message_dict["narrative"] == ["At most 10,000 characters; this has 10,001."]


def test_a_comment_over_the_limit_is_refused_by_the_services(telsom_draft):
    with pytest.raises(ValidationError) as refused:
        services.comment_add(user=user("telsom"), update=telsom_draft, text="w" * (NOTE_MAX_LENGTH + 1))
    assert "text" in refused.value.message_dict
    assert not Comment.objects.exists()


def test_the_database_refuses_what_bypasses_the_services(telsom_draft):
    for field, length in TOO_LONG.items():
        with pytest.raises(IntegrityError), transaction.atomic():
            Update.objects.filter(pk=telsom_draft.pk).update(**{field: "d" * length})


def test_model_validation_refuses_too(telsom_draft):
    telsom_draft.narrative = "d" * (NARRATIVE_MAX_LENGTH + 1)
    with pytest.raises(ValidationError) as refused:
        telsom_draft.full_clean()
    assert "narrative" in refused.value.message_dict


def test_the_browser_form_says_how_long_a_narrative_may_be(client, period):
    client.force_login(User.objects.get(username="telsom"))
    url = f"/reporting/updates/new/?period={PERIOD}&initiative=AWPEC-1.1&body=TELSOM"
    page = client.get(url)
    assert f'maxlength="{NARRATIVE_MAX_LENGTH}"' in page.content.decode()
    response = client.post(
        "/reporting/updates/new/",
        {
            "period": PERIOD,
            "initiative": "AWPEC-1.1",
            "body": "TELSOM",
            "status": "in_progress",
            "progress": 40,
            "narrative": "x" * (NARRATIVE_MAX_LENGTH + 1),
        },
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters (it has 10001)." in response.content.decode()
    assert not Update.objects.filter(period=period).exists()


def test_the_browser_says_a_comment_is_too_long(client, telsom_draft):
    client.force_login(User.objects.get(username="telsom"))
    response = client.post(
        f"/reporting/updates/{telsom_draft.pk}/comments/", {"text": "w" * (NOTE_MAX_LENGTH + 1)}, follow=True
    )
    assert "at most 5000 characters" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_schema_publishes_every_maximum():
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    expected = {
        "narrative": NARRATIVE_MAX_LENGTH,
        "next_steps": NOTE_MAX_LENGTH,
        "blockers": NOTE_MAX_LENGTH,
        "reason_explanation": EXPLANATION_MAX_LENGTH,
    }
    # The public record (PublicUpdate) shows no next steps or blockers: only what people write is checked here.
    writers = [
        name for name in schemas if "narrative" in schemas[name].get("properties", {}) and not name.startswith("Public")
    ]
    assert {"UpdateCreate", "PatchedUpdatePatch", "BulkItem", "Update"} <= set(writers)
    for name in writers:
        for field, limit in expected.items():
            assert schemas[name]["properties"][field]["maxLength"] == limit, (name, field)
    assert schemas["Return"]["properties"]["comment"]["maxLength"] == NOTE_MAX_LENGTH
    assert schemas["EvidenceLink"]["properties"]["title"]["maxLength"] == TITLE_MAX_LENGTH
    assert schemas["EvidenceLink"]["properties"]["url"]["oneOf"][0]["maxLength"] == URL_MAX_LENGTH


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="drops the constraints inside the test's transaction: PostgreSQL only"
)
def test_the_migration_keeps_whole_texts_written_before_the_limits(telsom_draft):
    """Data longer than a limit does not make the migration fail, and nothing of it is lost."""
    migration = importlib.import_module("reporting.migrations.0003_text_maximum_lengths")
    long_narrative = "Before the limits. " + "n" * NARRATIVE_MAX_LENGTH
    long_comment = "c" * (NOTE_MAX_LENGTH * 2 + 7)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # PostgreSQL alters no table with checks still pending
    with connection.schema_editor() as editor:
        for model in (Update, Comment):
            for constraint in model._meta.constraints:
                if constraint.name.endswith("_max_length"):
                    editor.remove_constraint(model, constraint)
    Update.objects.filter(pk=telsom_draft.pk).update(narrative=long_narrative)
    comment = Comment.objects.create(update=telsom_draft, author=user("telsom"), text="short")
    Comment.objects.filter(pk=comment.pk).update(text=long_comment)

    migration.keep_whole_texts(apps, None)

    shortened = Update.objects.get(pk=telsom_draft.pk).narrative
    assert len(shortened) <= NARRATIVE_MAX_LENGTH
    assert shortened.startswith("Before the limits.")
    assert "shortened to the length limit" in shortened
    kept = telsom_draft.history.filter(history_change_reason="Whole text, before the length limits").get()
    assert kept.narrative == long_narrative
    parts = Comment.objects.filter(update=telsom_draft).order_by("pk")
    assert all(len(p.text) <= NOTE_MAX_LENGTH for p in parts)
    assert "".join(p.text for p in parts) == long_comment
