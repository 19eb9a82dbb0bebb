"""generate_scale_data: N times the real catalogue and its reporting, the same rows every time (issue 16)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from reporting.models import Period, Update
from workprogramme.models import Body, Initiative

pytestmark = pytest.mark.django_db


def generated(scale):
    call_command("generate_scale_data", scale=scale, stdout=io.StringIO())
    return {
        "lines": sorted(Initiative.objects.values_list("code", "status")),
        "updates": sorted(
            map(
                str,
                Update.objects.values_list("period__code", "initiative__code", "body__acronym", "state", "progress"),
            ),
        ),
    }


def test_scale_two_doubles_the_catalogue_over_twenty_periods_with_one_update_per_line():
    lines, bodies = Initiative.objects.count(), Body.objects.count()

    generated(2)

    assert Initiative.objects.count() == 2 * lines
    assert Body.objects.count() == 2 * bodies
    assert Period.objects.count() == 20
    copy = Initiative.objects.get(code="AWPEC-1.1-X2")
    assert [b.acronym for b in copy.bodies.all()] == ["SYN-2-TELSOM"]
    assert copy.listings.count() == Initiative.objects.get(code="AWPEC-1.1").listings.count()
    assert Update.objects.filter(initiative=copy).exclude(body__acronym="SYN-2-TELSOM").count() == 0
    assert Update.history.filter(id__in=Update.objects.filter(initiative=copy).values("pk")).count() > 0


def test_the_same_scale_gives_the_same_rows():
    with transaction.atomic():
        first = generated(2)
        transaction.set_rollback(True)
    with transaction.atomic():
        second = generated(2)
        transaction.set_rollback(True)

    assert first == second


def test_it_refuses_to_generate_twice_into_one_database():
    generated(1)

    with pytest.raises(CommandError, match="already holds synthetic data"):
        generated(1)
