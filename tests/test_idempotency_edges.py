"""Idempotency keys at their edges: a server fault is never replayed, and a key still being served is refused (409)."""

import threading

import pytest
from django.db import connection, connections
from django.urls import path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import User
from idempotency.decorators import idempotent
from idempotency.models import IdempotentRequest


class FlakyView(APIView):
    """Fails with `fault` (a 5xx) on its first call, then answers 201: a view that had a server fault once."""

    calls = 0
    fault = 503

    @idempotent
    def post(self, request):
        FlakyView.calls += 1
        if FlakyView.calls == 1:
            return Response({"detail": "The database went away."}, status=FlakyView.fault)
        return Response({"call": FlakyView.calls}, status=201)


class NoContentView(APIView):
    """Answers 204 with no body, as a deletion does."""

    @idempotent
    def post(self, request):
        return Response(status=204)


class SlowView(APIView):
    """Holds its answer until the test lets it go, so that a second copy of the request arrives meanwhile."""

    entered = threading.Event()
    release = threading.Event()

    @idempotent
    def post(self, request):
        SlowView.entered.set()
        SlowView.release.wait(timeout=30)
        return Response({"done": True}, status=201)


urlpatterns = [
    path("flaky/", FlakyView.as_view()),
    path("slow/", SlowView.as_view()),
    path("no-content/", NoContentView.as_view()),
]


def client_for(username):
    api = APIClient()
    api.force_authenticate(User.objects.get(username=username))
    return api


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("fault", [500, 503])
def test_a_server_fault_is_not_replayed_so_a_retry_really_retries(fault):
    FlakyView.calls, FlakyView.fault = 0, fault
    api = client_for("telsom")

    first = api.post("/flaky/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    retry = api.post("/flaky/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")

    assert first.status_code == fault
    assert retry.status_code == 201 and retry.json() == {"call": 2}
    assert "Idempotent-Replayed" not in retry.headers
    stored = IdempotentRequest.objects.get(key="retry-me")
    assert (stored.status_code, stored.response) == (201, {"call": 2})


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_answer_without_a_body_is_replayed_without_one():
    api = client_for("telsom")

    first = api.post("/no-content/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="gone-1")
    retry = api.post("/no-content/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="gone-1")

    assert (first.status_code, retry.status_code) == (204, 204)
    assert retry.headers["Idempotent-Replayed"] == "true" and retry.content == b""
    assert IdempotentRequest.objects.get(key="gone-1").response is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks on the unique key")
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls(__name__)
def test_a_second_copy_arriving_while_the_first_is_served_is_told_to_retry():
    SlowView.entered.clear()
    SlowView.release.clear()
    answers = {}

    def send(name):
        try:
            answers[name] = client_for("telsom").post("/slow/", {"a": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        finally:
            connections.close_all()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert SlowView.entered.wait(timeout=30)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    # The second copy waits on the first one's uncommitted claim of the key; once that commits, it is refused.
    with connection.cursor() as cursor:
        for _ in range(300):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.1)
    SlowView.release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert answers["first"].status_code == 201
    assert answers["second"].status_code == 409
    assert "in progress" in answers["second"].json()["detail"]
    assert IdempotentRequest.objects.filter(key="k-1").count() == 1
