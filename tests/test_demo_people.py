import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from workprogramme.models import Body


@pytest.mark.django_db
def test_demo_setup_gives_every_body_a_reporter_named_by_its_acronym():
    for body in Body.objects.exclude(acronym="ACCEC"):
        reporter = User.objects.get(username=body.acronym.lower())
        assert reporter.role == User.Role.REPORTER
        assert reporter.body == body
        assert reporter.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_roles():
    assert User.objects.get(username="secretariat").role == User.Role.SECRETARIAT
    assert User.objects.get(username="secretariat").is_staff
    assert User.objects.get(username="accec").role == User.Role.REVIEWER
    assert User.objects.get(username="accec").body.acronym == "ACCEC"  # it files ACCEC's own lines too
    assert not User.objects.get(username="accec").is_staff


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_running_the_demo_setup_twice_duplicates_nothing():
    before = User.objects.count()
    call_command("load_demo")
    assert User.objects.count() == before


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_demo_setup_refuses_to_run_in_production():
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo")
