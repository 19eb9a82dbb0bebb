"""Who may file, edit, submit, withdraw, accept and return updates, and manage periods: each refusal is tried."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from accounts.models import User
from reporting.models import Comment, Evidence, Period, Update
from reporting.services import (
    evidence_add_link,
    period_close,
    period_create,
    period_mark_reviewed,
    period_open,
    update_accept,
    update_create,
    update_edit,
    update_return,
    update_submit,
    update_withdraw,
)
from tests.helpers import body, fresh, line, user
from workprogramme.models import Output

from .factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def form_values(**changes):
    values = {
        "status": "in_progress",
        "progress": 30,
        "as_of": None,
        "narrative": "Workshop held with the Member States' regulators.",
        "next_steps": "",
        "blockers": "",
        "reason": "",
        "reason_explanation": "",
    }
    return values | changes


def snapshot(update):
    update = fresh(update)
    return (update.state, update.version, update.progress, update.narrative, update.history.count())


@pytest.fixture
def period(secretariat):
    return period_open(user=secretariat, period=period_create(user=secretariat, year=2026, half=2))


@pytest.fixture
def observer(db):
    return User.objects.create_user("observer", role=User.Role.OBSERVER)


@pytest.fixture
def second_reviewer(db):
    """An ACCEC reviewer who belongs to no implementing body."""
    return User.objects.create_user("reviewer2", role=User.Role.REVIEWER)


@pytest.fixture
def telsom_draft(period, telsom):
    return update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=form_values()
    )


@pytest.fixture
def telsom_submitted(telsom_draft, telsom):
    return update_submit(user=telsom, update=telsom_draft, version=telsom_draft.version)


def nothing_filed():
    return not Update.objects.filter(period__year=2026).exists()


# Filing: which body, which line ------------------------------------------------------------------------------------


def test_reporter_files_for_a_line_their_body_leads(period, telsom):
    update = update_create(
        user=telsom, period=period, initiative=line("AWPEC-1.1"), body=telsom.body, values=form_values()
    )

    assert (update.body, update.author, update.on_behalf) == (telsom.body, telsom, False)


def test_reporter_files_for_a_line_their_body_implements_jointly(period):
    swg_acts = user("swg-acts")

    update = update_create(
        user=swg_acts,
        period=period,
        initiative=line("DIFAP-1.3.1"),
        body=swg_acts.body,
        values=form_values(),
    )

    assert (update.body.acronym, update.initiative.title) == ("SWG-ACTS", "Protocol 2")


def test_reporter_files_for_a_line_their_body_is_consulted_on(period):
    wc_pss = user("wc-pss")

    update = update_create(
        user=wc_pss, period=period, initiative=line("AWPEC-14.1"), body=wc_pss.body, values=form_values()
    )

    assert update.body.acronym == "WC-PSS"


def test_reporter_files_for_an_output_their_body_holds(period):
    slc = user("slc")
    crisp = Output.objects.get(initiative__code="AWPEC-13", position=2)

    update = update_create(
        user=slc, period=period, initiative=crisp.initiative, output=crisp, body=slc.body, values=form_values()
    )

    assert (update.output, update.body.acronym) == (crisp, "SLC")
    assert update.expected is not None


def test_holding_one_output_is_enough_to_file_on_it_and_only_on_it(period):
    accp = user("accp")
    initiative = InitiativeFactory()  # led by TELSOM, output 1 held by TELSOM
    held = Output.objects.create(initiative=initiative, position=2, title="Consumer toolkit", timeline="2026")
    held.bodies.add(accp.body)
    not_held = initiative.outputs.get(position=1)

    update = update_create(
        user=accp, period=period, initiative=initiative, output=held, body=accp.body, values=form_values()
    )
    assert update.output == held

    with pytest.raises(PermissionDenied, match=f"ACCP is not responsible for {initiative.code}"):
        update_create(
            user=accp, period=period, initiative=initiative, output=not_held, body=accp.body, values=form_values()
        )
    assert not Update.objects.filter(output=not_held).exists()


def test_the_lines_lead_also_files_on_an_output_another_body_holds(period, telsom):
    initiative = InitiativeFactory()  # led by TELSOM
    toolkit = Output.objects.create(initiative=initiative, position=2, title="Consumer toolkit", timeline="2026")
    toolkit.bodies.add(user("accp").body)

    update = update_create(
        user=telsom, period=period, initiative=initiative, output=toolkit, body=telsom.body, values=form_values()
    )

    assert (fresh(update).output, fresh(update).body.acronym) == (toolkit, "TELSOM")


def test_a_body_taken_off_an_output_no_longer_edits_its_update_on_it(client, period):
    accp = user("accp")
    initiative = InitiativeFactory()  # led by TELSOM
    first = Output.objects.create(initiative=initiative, position=2, title="Consumer toolkit", timeline="2026")
    second = Output.objects.create(initiative=initiative, position=3, title="Complaints portal", timeline="2026")
    first.bodies.add(accp.body)
    second.bodies.add(accp.body)
    update = update_create(
        user=accp, period=period, initiative=initiative, output=first, body=accp.body, values=form_values()
    )

    # The catalogue changes: ACCP no longer holds the first output, though it still holds the second.
    first.bodies.remove(accp.body)

    assert offered(client, "accp", update) == set()
    with pytest.raises(PermissionDenied, match=f"ACCP is not responsible for {initiative.code}"):
        update_edit(user=accp, update=update, values={"progress": 50}, version=update.version)
    assert fresh(update).progress == 30


def test_reporter_cannot_file_for_a_line_their_body_has_no_part_in(period, telsom):
    with pytest.raises(PermissionDenied, match="TELSOM is not responsible for AWPEC-8.1, so it cannot report on it."):
        update_create(user=telsom, period=period, initiative=line("AWPEC-8.1"), body=telsom.body, values=form_values())

    assert nothing_filed()


def test_reporter_of_another_body_cannot_file_in_that_bodys_name(period, telsom):
    with pytest.raises(PermissionDenied, match="Only ACCP's own reporters or the ASEAN Secretariat can file ACCP's"):
        update_create(user=telsom, period=period, initiative=line("AWPEC-8.1"), body=body("ACCP"), values=form_values())

    assert nothing_filed()


def test_secretariat_files_on_behalf_of_a_body(period, secretariat):
    update = update_create(
        user=secretariat, period=period, initiative=line("AWPEC-8.1"), body=body("ACCP"), values=form_values()
    )

    update = fresh(update)
    assert update.body.acronym == "ACCP"
    assert update.author == secretariat
    assert update.on_behalf is True
    assert update.history.first().history_user == secretariat


def test_secretariat_edits_and_submits_a_bodys_draft_on_its_behalf(telsom_draft, secretariat):
    assert fresh(telsom_draft).on_behalf is False

    update = update_edit(
        user=secretariat,
        update=telsom_draft,
        values=form_values(progress=35),
        version=telsom_draft.version,
        submit=True,
    )

    update = fresh(update)
    assert (update.state, update.progress, update.on_behalf) == ("submitted", 35, True)
    assert update.author == user("telsom")


def test_secretariat_cannot_file_for_a_body_that_is_not_responsible_for_the_line(period, secretariat):
    with pytest.raises(PermissionDenied, match="TELSOM is not responsible for AWPEC-8.1"):
        update_create(
            user=secretariat, period=period, initiative=line("AWPEC-8.1"), body=body("TELSOM"), values=form_values()
        )

    assert nothing_filed()


def test_an_update_must_be_filed_for_a_body(period, secretariat):
    with pytest.raises(PermissionDenied, match="An update must be filed for an implementing body."):
        update_create(user=secretariat, period=period, initiative=line("AWPEC-8.1"), body=None, values=form_values())

    assert nothing_filed()


def test_reviewer_files_for_its_own_bodys_lines(period, reviewer):
    update = update_create(
        user=reviewer, period=period, initiative=line("AWPEC-14.1"), body=reviewer.body, values=form_values()
    )

    assert (update.body.acronym, update.on_behalf) == ("ACCEC", False)


def test_reviewer_cannot_file_for_another_body(period, reviewer):
    with pytest.raises(PermissionDenied, match="Only TELSOM's own reporters or the ASEAN Secretariat"):
        update_create(
            user=reviewer, period=period, initiative=line("AWPEC-1.1"), body=body("TELSOM"), values=form_values()
        )

    assert nothing_filed()


def test_observer_cannot_file(period, observer):
    with pytest.raises(PermissionDenied, match="Only TELSOM's own reporters or the ASEAN Secretariat"):
        update_create(
            user=observer, period=period, initiative=line("AWPEC-1.1"), body=body("TELSOM"), values=form_values()
        )

    assert nothing_filed()


def test_observer_attached_to_a_body_still_cannot_file_for_it(period):
    # Observers are read only, whichever body they sit in.
    observer = User.objects.create_user("telsom-observer", role=User.Role.OBSERVER, body=body("TELSOM"))

    with pytest.raises(PermissionDenied):
        update_create(
            user=observer, period=period, initiative=line("AWPEC-1.1"), body=body("TELSOM"), values=form_values()
        )

    assert nothing_filed()


def test_anonymous_user_can_neither_file_nor_act_on_updates(period, telsom_submitted):
    anonymous = AnonymousUser()
    before = snapshot(telsom_submitted)

    with pytest.raises(PermissionDenied):
        update_create(
            user=anonymous, period=period, initiative=line("AWPEC-1.3"), body=body("TELSOM"), values=form_values()
        )
    with pytest.raises(PermissionDenied):
        update_withdraw(user=anonymous, update=telsom_submitted, version=telsom_submitted.version)
    with pytest.raises(PermissionDenied, match=r"^Only ACCEC reviewers can accept or return updates\.$"):
        update_accept(user=anonymous, update=telsom_submitted, version=telsom_submitted.version)
    with pytest.raises(PermissionDenied, match=r"^Only ACCEC reviewers can accept or return updates\.$"):
        update_return(user=anonymous, update=telsom_submitted, comment="No.", version=telsom_submitted.version)
    with pytest.raises(PermissionDenied, match="Only ASEAN Secretariat staff"):
        period_close(user=anonymous, period=period)

    assert snapshot(telsom_submitted) == before
    assert Update.objects.filter(period=period).count() == 1
    assert Period.objects.get(pk=period.pk).state == Period.State.OPEN


# Another body's update ---------------------------------------------------------------------------------------------


def test_reporter_of_another_body_cannot_edit_an_update(telsom_draft):
    before = snapshot(telsom_draft)

    with pytest.raises(PermissionDenied, match="Only TELSOM's own reporters or the ASEAN Secretariat"):
        update_edit(
            user=user("accp"), update=telsom_draft, values=form_values(progress=5), version=telsom_draft.version
        )

    assert snapshot(telsom_draft) == before


def test_reporter_of_another_body_cannot_submit_an_update(telsom_draft):
    before = snapshot(telsom_draft)

    with pytest.raises(PermissionDenied, match="Only TELSOM's own reporters or the ASEAN Secretariat"):
        update_submit(user=user("accp"), update=telsom_draft, version=telsom_draft.version)

    assert snapshot(telsom_draft) == before


def test_reporter_of_another_body_cannot_withdraw_an_update(telsom_submitted):
    before = snapshot(telsom_submitted)

    with pytest.raises(PermissionDenied, match="Only TELSOM's own reporters or the ASEAN Secretariat"):
        update_withdraw(user=user("accp"), update=telsom_submitted, version=telsom_submitted.version)

    assert snapshot(telsom_submitted) == before


def test_reporter_of_another_body_cannot_add_evidence(telsom_draft):
    with pytest.raises(PermissionDenied, match="Only TELSOM's own reporters or the ASEAN Secretariat"):
        evidence_add_link(user=user("accp"), update=telsom_draft, title="Minutes", url="https://asean.org/")

    assert not Evidence.objects.filter(update=telsom_draft).exists()


def test_secretariat_withdraws_a_bodys_submitted_update(telsom_submitted, secretariat):
    update = update_withdraw(user=secretariat, update=telsom_submitted, version=telsom_submitted.version)

    assert fresh(update).state == Update.State.WITHDRAWN


# Review ----------------------------------------------------------------------------------------------------------


def test_reporter_cannot_accept_or_return_an_update(telsom_submitted):
    accp = user("accp")
    before = snapshot(telsom_submitted)

    with pytest.raises(PermissionDenied, match=r"^Only ACCEC reviewers can accept or return updates\.$"):
        update_accept(user=accp, update=telsom_submitted, version=telsom_submitted.version)
    with pytest.raises(PermissionDenied, match=r"^Only ACCEC reviewers can accept or return updates\.$"):
        update_return(user=accp, update=telsom_submitted, comment="Redo.", version=telsom_submitted.version)

    assert snapshot(telsom_submitted) == before
    assert fresh(telsom_submitted).reviewer is None


def test_reporter_cannot_accept_its_own_bodys_update(telsom_submitted, telsom):
    with pytest.raises(PermissionDenied, match=r"^Only ACCEC reviewers can accept or return updates\.$"):
        update_accept(user=telsom, update=telsom_submitted, version=telsom_submitted.version)

    assert fresh(telsom_submitted).state == Update.State.SUBMITTED


def test_secretariat_cannot_accept_or_return_an_update(telsom_submitted, secretariat):
    before = snapshot(telsom_submitted)

    with pytest.raises(PermissionDenied, match=r"^Only ACCEC reviewers can accept or return updates\.$"):
        update_accept(user=secretariat, update=telsom_submitted, version=telsom_submitted.version)
    with pytest.raises(PermissionDenied, match=r"^Only ACCEC reviewers can accept or return updates\.$"):
        update_return(user=secretariat, update=telsom_submitted, comment="Redo.", version=telsom_submitted.version)

    assert snapshot(telsom_submitted) == before
    assert not Comment.objects.filter(update=telsom_submitted).exists()


def test_observer_cannot_accept(telsom_submitted, observer):
    with pytest.raises(PermissionDenied, match=r"^Only ACCEC reviewers can accept or return updates\.$"):
        update_accept(user=observer, update=telsom_submitted, version=telsom_submitted.version)

    assert fresh(telsom_submitted).state == Update.State.SUBMITTED


@pytest.fixture
def accec_submitted(period, reviewer):
    """ACCEC's own update on a line ACCEC leads, filed and submitted by `accec`, who is also a reviewer."""
    return update_create(
        user=reviewer,
        period=period,
        initiative=line("AWPEC-14.1"),
        body=reviewer.body,
        values=form_values(),
        submit=True,
    )


def test_body_cannot_accept_its_own_update(accec_submitted, reviewer):
    before = snapshot(accec_submitted)
    status_before = line("AWPEC-14.1").status

    with pytest.raises(PermissionDenied, match="A body cannot review its own update: another reviewer must review"):
        update_accept(user=reviewer, update=accec_submitted, version=accec_submitted.version)

    assert snapshot(accec_submitted) == before
    assert fresh(accec_submitted).reviewer is None
    assert line("AWPEC-14.1").status == status_before


def test_body_cannot_return_its_own_update(accec_submitted, reviewer):
    before = snapshot(accec_submitted)

    with pytest.raises(PermissionDenied, match="A body cannot review its own update"):
        update_return(user=reviewer, update=accec_submitted, comment="Mine.", version=accec_submitted.version)

    assert snapshot(accec_submitted) == before


def test_another_reviewer_accepts_accecs_own_update(accec_submitted, second_reviewer, reviewer):
    update = update_accept(user=second_reviewer, update=accec_submitted, version=accec_submitted.version)

    update = fresh(update)
    assert update.state == Update.State.ACCEPTED
    assert (update.author, update.reviewer) == (reviewer, second_reviewer)


def test_accecs_reviewer_reviews_a_consulted_bodys_update_on_an_accec_line(period, reviewer):
    wc_pss = user("wc-pss")
    update = update_create(
        user=wc_pss, period=period, initiative=line("AWPEC-14.1"), body=wc_pss.body, values=form_values(), submit=True
    )

    update = update_accept(user=reviewer, update=update, version=update.version)

    assert fresh(update).reviewer == reviewer


# Periods -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["accec", "telsom"])
def test_only_the_secretariat_creates_opens_closes_and_reviews_periods(username, secretariat):
    someone = user(username)
    message = "Only ASEAN Secretariat staff can open, close or review reporting periods."

    with pytest.raises(PermissionDenied, match=message):
        period_create(user=someone, year=2026, half=2)
    assert not Period.objects.filter(year=2026, half=2).exists()

    period = period_create(user=secretariat, year=2026, half=2)
    with pytest.raises(PermissionDenied, match=message):
        period_open(user=someone, period=period)
    assert Period.objects.get(pk=period.pk).state == Period.State.UPCOMING

    period = period_open(user=secretariat, period=period)
    with pytest.raises(PermissionDenied, match=message):
        period_close(user=someone, period=period)
    assert Period.objects.get(pk=period.pk).state == Period.State.OPEN

    period = period_close(user=secretariat, period=period)
    with pytest.raises(PermissionDenied, match=message):
        period_mark_reviewed(user=someone, period=period)
    assert Period.objects.get(pk=period.pk).state == Period.State.CLOSED


def test_observer_cannot_create_a_period(observer):
    with pytest.raises(PermissionDenied, match="Only ASEAN Secretariat staff"):
        period_create(user=observer, year=2026, half=2)

    assert not Period.objects.filter(year=2026, half=2).exists()


# What the update's page offers each person ------------------------------------------------------------------------

ACTIONS = ["Edit", "Submit for review", "Withdraw", "Accept", "Return for revision", "Remove"]


def offered(client, username, update):
    """The actions the update's page offers this person: the same rules as the services, shown before trying."""
    client.force_login(user(username))
    page = client.get(f"/reporting/updates/{update.pk}/").content.decode()
    return {action for action in ACTIONS if f">{action}</" in page}


def test_the_page_offers_editing_to_the_body_and_the_secretariat_only(client, telsom_draft):
    assert offered(client, "telsom", telsom_draft) == {"Edit", "Submit for review"}
    assert offered(client, "secretariat", telsom_draft) == {"Edit", "Submit for review"}
    assert offered(client, "accp", telsom_draft) == set()
    assert offered(client, "accec", telsom_draft) == set()


def test_the_page_offers_review_to_a_reviewer_of_another_body_only(client, telsom_submitted, accec_submitted):
    assert offered(client, "accec", telsom_submitted) == {"Accept", "Return for revision"}
    assert offered(client, "telsom", telsom_submitted) == {"Withdraw"}
    assert offered(client, "secretariat", telsom_submitted) == {"Withdraw"}
    # ACCEC's reviewer files ACCEC's own lines: withdrawing its update, yes; reviewing it, no.
    assert offered(client, "accec", accec_submitted) == {"Withdraw"}


def test_the_page_offers_removing_evidence_to_whoever_may_and_asks_a_reason_where_one_is_owed(
    client, telsom_draft, telsom, reviewer
):
    evidence_add_link(user=telsom, update=telsom_draft, title="Workshop minutes", url="https://asean.org/minutes")

    assert "Remove" in offered(client, "telsom", telsom_draft)
    assert "Reason for removing it (optional)" in client.get(f"/reporting/updates/{telsom_draft.pk}/").content.decode()
    assert "Remove" not in offered(client, "accp", telsom_draft)
    assert "Remove" in offered(client, "secretariat", telsom_draft)
    page = client.get(f"/reporting/updates/{telsom_draft.pk}/").content.decode()
    assert "Reason for removing it (optional)" not in page and "Reason for removing it" in page

    submitted = update_submit(user=telsom, update=telsom_draft, version=fresh(telsom_draft).version)
    assert "Remove" in offered(client, "telsom", submitted)
    accepted = update_accept(user=reviewer, update=submitted, version=submitted.version)
    assert "Remove" not in offered(client, "telsom", accepted)
    assert "Remove" in offered(client, "secretariat", accepted)
