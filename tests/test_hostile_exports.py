"""Hostile texts in every field that reaches a progress report: every build finishes and every export is inert.

The texts are filed the way a careless or hostile body would file them (through the services, accepted by ACCEC),
then the report is built and each of its four files is opened with the library a reader would use.
"""

import contextlib

import pytest

from accounts.models import User
from reporting import services as reporting
from reports import services
from reports.models import ProgressReport
from workprogramme.models import Body

from .test_report_rollup import plan  # noqa: F401  (the hand-made plan fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def file_accepted(*, period, line, values, evidence=(), comments=()):
    """ACCP files an update on `line` with `values` and `evidence` links; ACCEC comments and accepts it."""
    accp, accec = User.objects.get(username="accp"), User.objects.get(username="accec")
    update = reporting.update_create(
        user=accp, period=period, initiative=line, body=Body.objects.get(acronym="ACCP"), values=values
    )
    for title, url in evidence:
        reporting.evidence_add_link(user=accp, update=update, title=title, url=url)
    for text in comments:
        reporting.comment_add(user=accec, update=update, text=text)
    update = reporting.update_submit(user=accp, update=update)
    return reporting.update_accept(user=accec, update=update)


def issue(period, programme, django_capture_on_commit_callbacks, **texts):
    """Issue a report as ACCEC and run its build; a failed build is returned, not raised, so tests can look at it."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_issue(
            user=User.objects.get(username="accec"), period=period, programme=programme, **texts
        )
    for callback in callbacks:
        # A failed build records its failure on the report, which is what the tests read.
        with contextlib.suppress(Exception):
            callback()
    report.refresh_from_db()
    return report


def test_an_evidence_link_with_a_quote_does_not_break_the_report_build(
    plan,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    programme, period = plan
    from workprogramme.models import Initiative

    file_accepted(
        period=period,
        line=Initiative.objects.get(code="T-3"),
        values={"status": "in_progress", "progress": 30, "narrative": "Study under way."},
        evidence=[('The "roaming" study', 'https://example.org/study?q="roaming"&lang=en')],
    )
    report = issue(period, programme, django_capture_on_commit_callbacks, title="TEST report")
    assert report.error == "" and report.state == ProgressReport.State.READY
