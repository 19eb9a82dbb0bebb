"""Property-based check of the read endpoints against the served OpenAPI schema (schemathesis 4.x)."""

import pytest

from .test_api_base import (
    accp_draft,
    api_media_root,
    file_update,
    fresh_cache,
    period,
    user,
)

# pytest finds these fixtures by name in this module.
FIXTURES = (accp_draft, api_media_root, fresh_cache, period)

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

READ_PATHS = r"^/api/v1/(periods|expected-reports|updates)/"


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes "old" database connections around each request, which would close the test's
    transaction (PostgreSQL): do what Django's own test client does and keep the connection for the test."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def hypothesis_home(tmp_path):
    """Hypothesis keeps its caches out of the project directory."""
    from hypothesis import configuration

    configuration.set_hypothesis_home_dir(tmp_path / ".hypothesis")
    yield
    configuration.set_hypothesis_home_dir(None)


def load(settings, key):
    from config.wsgi import application

    settings.ALLOWED_HOSTS = ["*"]
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=headers)
    return schema, headers


def run_operations(schema, headers):
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    checked, failures = [], []
    for result in schema.get_all_operations():
        operation = result.ok()

        @hsettings(
            max_examples=5,
            derandomize=True,  # the same examples on every run: CI is repeatable, not a lottery
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.formatted_path, response.status_code)
            # Every response must be documented and match its schema. The "positive data acceptance" heuristic is left
            # out: an unknown period code is a well-formed string that the API rightly refuses with a 400 message.
            case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # collect every operation's failure before failing
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:1500]}")
        checked.append(f"{operation.method.upper()} {operation.path}")
    return checked, failures


@pytest.mark.django_db(transaction=False)
def test_read_endpoints_conform_to_the_schema(settings, hypothesis_home, keep_test_connection, period, accp_draft):
    file_update("telsom", "AWPEC-1.1", period, submit=True)
    schema, headers = load(settings, token_client_key("secretariat"))
    schema = schema.include(method="GET", path_regex=READ_PATHS)
    checked, failures = run_operations(schema, headers)
    assert "GET /api/v1/updates/{id}/" in checked
    assert "GET /api/v1/expected-reports/" in checked
    assert "GET /api/v1/periods/{code}/" in checked
    assert failures == [], "\n\n".join(failures)


def token_client_key(username):
    from accounts.tokens import token_issue

    return token_issue(user=user(username))[1]


@pytest.mark.django_db(transaction=False)
def test_every_operation_answers_without_a_server_error_and_as_documented(
    settings, hypothesis_home, keep_test_connection, period, accp_draft
):
    """Writes too: random bodies, ids and files, as a Secretariat token (which may try most actions)."""
    file_update("telsom", "AWPEC-1.1", period, submit=True)
    schema, headers = load(settings, token_client_key("secretariat"))
    checked, failures = run_operations(schema, headers)
    assert "POST /api/v1/updates/bulk/" in checked and "PATCH /api/v1/updates/{id}/" in checked
    assert failures == [], "\n\n".join(failures)
