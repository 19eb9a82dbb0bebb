"""Drills with real threads on PostgreSQL: requests that arrive at the same moment give one result, never a 5xx."""

import pytest
from rest_framework.test import APIClient

from idempotency.models import IdempotentRequest
from reporting import services
from reporting.models import Update
from tests.committed import NEEDS_POSTGRES, committed, in_own_connection, race
from tests.helpers import line, user

FIXTURES = (committed,)
PARALLEL = 20
API = "/api/v1"

pytestmark = [pytest.mark.django_db, NEEDS_POSTGRES]


def as_user(username):
    api = APIClient()
    api.force_authenticate(user(username))
    return api


def its_own_status(code):
    """Content whose status is the line's own: accepting it changes no catalogue row (see tests/committed.py)."""
    status = line(code).status
    return {"status": status, "progress": 100 if status == "completed" else 0, "narrative": "Mapping under way."}


def open_period():
    secretariat = user("secretariat")
    return services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))


def file_line(code, *, submit=False):
    telsom = user("telsom")
    period = open_period()
    return services.update_create(
        user=telsom, period=period, initiative=line(code), body=telsom.body, values=its_own_status(code), submit=submit
    )


def codes(responses):
    return sorted(r.status_code for r in responses)


def assert_no_crash(responses):
    errors = [r for r in responses if isinstance(r, BaseException)]
    assert not errors, errors
    assert all(r.status_code < 500 for r in responses), codes(responses)
    refusals = [r.json() for r in responses if r.status_code >= 400]
    assert all(r.get("detail") or r.get("non_field_errors") for r in refusals), refusals  # each says why


def test_parallel_creates_of_one_line_give_one_update_and_no_5xx(committed):
    in_own_connection(open_period)
    payload = {"initiative": line("AWPEC-1.1").pk, "period": "2026-H2", **its_own_status("AWPEC-1.1")}

    responses = race(PARALLEL, lambda _: as_user("telsom").post(f"{API}/updates/", payload, format="json"))

    assert_no_crash(responses)
    assert codes(responses).count(201) == 1
    # Those that inserted at the same moment, and any that looked after the winner committed, are told 409.
    assert set(codes(responses)) == {201, 409}
    assert Update.objects.filter(period__code="2026-H2", initiative=line("AWPEC-1.1")).count() == 1


def test_parallel_retries_of_one_idempotency_key_give_one_update(committed):
    in_own_connection(open_period)
    payload = {"initiative": line("AWPEC-1.1").pk, "period": "2026-H2", **its_own_status("AWPEC-1.1")}

    responses = race(
        PARALLEL,
        lambda _: as_user("telsom").post(
            f"{API}/updates/", payload, format="json", headers={"Idempotency-Key": "telsom-awpec-1.1"}
        ),
    )

    assert_no_crash(responses)
    created = [r for r in responses if r.status_code == 201]
    assert len({r.json()["id"] for r in created}) == 1  # the first answer, and replays of it
    assert set(codes(responses)) <= {201, 409}  # 409: "in progress; retry in a moment"
    assert Update.objects.filter(period__code="2026-H2", initiative=line("AWPEC-1.1")).count() == 1
    assert IdempotentRequest.objects.filter(key="telsom-awpec-1.1").count() == 1


def test_parallel_patches_with_one_etag_give_one_success(committed):
    draft = in_own_connection(file_line, "AWPEC-1.1")

    responses = race(
        PARALLEL,
        lambda i: as_user("telsom").patch(
            f"{API}/updates/{draft.pk}/", {"progress": i}, format="json", headers={"If-Match": f'"{draft.version}"'}
        ),
    )

    assert_no_crash(responses)
    assert codes(responses) == [200] + [412] * (PARALLEL - 1)
    winner = next(r for r in responses if r.status_code == 200).json()
    saved = Update.objects.get(pk=draft.pk)
    assert (saved.version, saved.progress) == (draft.version + 1, winner["progress"])


def test_accept_racing_return_gives_one_winner(committed):
    submitted = in_own_connection(file_line, "AWPEC-1.1", submit=True)
    actions = [("accept/", {}), ("return/", {"comment": "Add the dates of the meetings."})] * (PARALLEL // 2)

    responses = race(
        PARALLEL, lambda i: as_user("accec").post(f"{API}/updates/{submitted.pk}/{actions[i][0]}", actions[i][1])
    )

    assert_no_crash(responses)
    assert codes(responses).count(200) == 1
    assert set(codes(responses)) == {200, 409}  # the losers find the update no longer submitted: a conflict
    winner = next(r for r in responses if r.status_code == 200).json()["state"]
    saved = Update.objects.get(pk=submitted.pk)
    assert saved.state == winner
    assert saved.version == submitted.version + 1
    assert saved.comments.count() == (1 if winner == "returned" else 0)
    for refused in (r for r in responses if r.status_code == 409):
        assert f"this one is {winner}" in str(refused.json())
