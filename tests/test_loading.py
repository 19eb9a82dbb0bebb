"""Loading the catalogue twice changes nothing; a broken fixture is refused with a message that says where."""

import pytest
import yaml
from django.core.management import call_command

from difap.models import ImplementationRecord
from workprogramme.loading import FIXTURES, CatalogueError, load_plans
from workprogramme.models import Initiative, InitiativeListing, Output, Responsibility

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "initiatives": list(Initiative.objects.order_by("code").values()),
        "history": Initiative.history.count() + Output.history.count(),
        "outputs": list(Output.objects.order_by("pk").values()),
        "listings": InitiativeListing.objects.count(),
        "roles": list(Responsibility.objects.order_by("pk").values_list("initiative_id", "body_id", "role")),
        "records": list(ImplementationRecord.objects.order_by("pk").values()),
    }


def test_loading_twice_changes_nothing_and_writes_no_history(capsys):
    before = snapshot()
    call_command("load_plans")
    call_command("load_difap_implementation")
    assert snapshot() == before
    assert "updated nothing" in capsys.readouterr().out


def test_reloading_keeps_a_status_set_since():
    line = Initiative.objects.get(code="AWPEC-1.1")
    line.status = Initiative.Status.IN_PROGRESS
    line.save()
    load_plans()
    line.refresh_from_db()
    assert line.status == Initiative.Status.IN_PROGRESS


def test_reloading_restores_an_edited_title_from_the_document():
    Initiative.objects.filter(code="AWPEC-8.4").update(title="tampered")
    load_plans()
    assert Initiative.objects.get(code="AWPEC-8.4").title.startswith("Participation in the UN")


def write_plan(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def difap_with(tmp_path, mutate):
    data = yaml.safe_load((FIXTURES / "difap-2019-2025.yaml").read_text())
    mutate(data)
    return [FIXTURES / "awpec-2017-2025.yaml", write_plan(tmp_path, "difap.yaml", data)]


def first_initiative(data):
    area = data["areas"][0]
    return (area.get("initiatives") or area["areas"][0]["initiatives"])[0]


def test_an_unknown_body_is_refused_and_nothing_is_written(tmp_path):
    def mutate(data):
        first_initiative(data)["lead"] = "NOPE"

    before = snapshot()
    with pytest.raises(CatalogueError, match="unknown body 'NOPE'"):
        load_plans(difap_with(tmp_path, mutate))
    assert snapshot() == before


def test_a_quotation_of_an_undefined_initiative_is_refused(tmp_path):
    def mutate(data):
        first_initiative(data).pop("code")
        first_initiative(data)["ref"] = "AWPEC-99.9"

    with pytest.raises(CatalogueError, match="AWPEC-99.9: quotes an initiative defined nowhere before"):
        load_plans(difap_with(tmp_path, mutate))


def test_an_unreadable_timeline_is_refused(tmp_path):
    def mutate(data):
        first_initiative(data)["timeline"] = "soon"

    with pytest.raises(CatalogueError, match="Unreadable timeline 'soon'"):
        load_plans(difap_with(tmp_path, mutate))
