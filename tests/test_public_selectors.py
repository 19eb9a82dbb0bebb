"""The public selectors: the only way updates and evidence reach the public, whatever page, feed or API shows them."""

import pytest
from django.db import IntegrityError, transaction

from reporting import services
from reporting.models import Evidence, Update
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db

MARKER = "NOT-FOR-THE-PUBLIC-7f3a"


@pytest.fixture
def period(secretariat):
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


def file_update(telsom, period, code, **extra):
    return services.update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code=code),
        body=telsom.body,
        values={"status": "in_progress", "progress": 20, "narrative": f"{MARKER} {code}"},
        **extra,
    )


def test_only_accepted_updates_are_public(period, telsom, reviewer):
    draft = file_update(telsom, period, "AWPEC-1.1")
    submitted = file_update(telsom, period, "AWPEC-1.2", submit=True)
    returned = services.update_return(
        user=reviewer, update=file_update(telsom, period, "AWPEC-11", submit=True), comment="Say more."
    )
    withdrawn = services.update_withdraw(user=telsom, update=file_update(telsom, period, "AWPEC-12", submit=True))
    accepted = services.update_accept(user=reviewer, update=file_update(telsom, period, "AWPEC-13", submit=True))

    public = set(Update.objects.public().filter(narrative__contains=MARKER))

    assert public == {accepted}
    assert not {draft, submitted, returned, withdrawn} & public


def test_evidence_is_public_only_once_accepted_marked_public_and_confirmed(period, telsom, reviewer):
    update = file_update(telsom, period, "AWPEC-1.1", submit=True)
    shown = services.evidence_add_link(user=telsom, update=update, title="Published study", url="https://example.org/a")
    withheld = services.evidence_add_link(
        user=telsom,
        update=update,
        title=MARKER,
        url="https://example.org/b",
        disclosure="restricted",
        restriction_reason="Draft under review",
    )
    assert not Evidence.objects.public().exists()  # submitted, not yet accepted

    services.update_accept(user=reviewer, update=update)  # accepting confirms both proposals
    assert list(Evidence.objects.public()) == [shown]
    assert list(Evidence.objects.withheld_from_public()) == [withheld]

    Evidence.objects.filter(pk=shown.pk).update(disclosure_confirmed=False)  # as rows from before disclosure
    assert not Evidence.objects.public().exists()
    assert set(Evidence.objects.withheld_from_public()) == {shown, withheld}


def test_restricted_evidence_needs_a_reason(period, telsom):
    evidence = services.evidence_add_link(
        user=telsom, update=file_update(telsom, period, "AWPEC-1.1"), title="Minutes", url="https://example.org/m"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).update(disclosure="restricted", restriction_reason="")


def test_the_open_data_serializer_reads_nothing_of_an_update_but_its_public_fields():
    from rest_framework.serializers import SerializerMethodField

    from reporting.api.public import PublicUpdateSerializer

    read = {
        name: field.source.split(".")[0]
        for name, field in PublicUpdateSerializer().fields.items()
        if not isinstance(field, SerializerMethodField)  # evidence and Member States: from the public prefetches
    }
    assert read["accepted_at"] == "reviewed_at" and read["initiative"] == "initiative"
    assert {name: source for name, source in read.items() if source not in Update.PUBLIC_FIELDS} == {}
