"""A reviewer sees what moved since the last review: the new update beside the line's last accepted one."""

import pytest
from django.test import Client

from reporting import services
from reporting.models import Update
from reporting.review import compare, redline
from tests.helpers import line, user

pytestmark = pytest.mark.django_db

LINE = "AWPEC-1.1"  # TELSOM's


def test_a_redline_marks_words_deleted_and_inserted():
    assert redline("The study began in May.", "The study was completed in May.") == [
        ("same", "The study "),
        ("deleted", "began "),
        ("inserted", "was completed "),
        ("same", "in May."),
    ]
    assert redline("", "All new.") == [("inserted", "All new.")]


@pytest.fixture
def periods():
    secretariat = user("secretariat")
    first = services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=1))
    return first


def file(period, narrative, status="in_progress", progress=40, submit=True):
    return services.update_create(
        user=user("telsom"),
        period=period,
        initiative=line(LINE),
        body=user("telsom").body,
        values={"status": status, "progress": progress, "narrative": narrative},
        submit=submit,
    )


@pytest.fixture
def two_reviews(periods):
    """TELSOM's 2026-H1 update, accepted with a link; then its 2026-H2 update, submitted with a new document."""
    secretariat = user("secretariat")
    earlier = file(periods, "Regulators met in Hanoi. The study began.", progress=40)
    services.evidence_add_link(user=user("telsom"), update=earlier, title="Hanoi minutes", url="https://example.org/h")
    services.update_accept(user=user("accec"), update=Update.objects.get(pk=earlier.pk))
    services.period_close(user=secretariat, period=periods)
    later_period = services.period_open(
        user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2)
    )
    later = file(
        later_period, "Regulators met in Hanoi. The study was completed <in draft>.", progress=70, submit=False
    )
    services.evidence_add_link(user=user("telsom"), update=later, title="Hanoi minutes", url="https://example.org/h")
    services.evidence_add_link(user=user("telsom"), update=later, title="Draft study", url="https://example.org/d")
    return earlier, services.update_submit(user=user("telsom"), update=Update.objects.get(pk=later.pk))


def test_the_new_update_is_compared_with_the_last_accepted_one(two_reviews):
    earlier, later = two_reviews
    comparison = compare(later)
    assert comparison.previous == earlier
    assert ("Progress", "40%", "70%", True) in comparison.facts
    assert ("Status", "In progress", "In progress", False) in comparison.facts
    assert ("deleted", "began.") in comparison.narrative
    assert ("inserted", "was completed <in draft>.") in comparison.narrative
    assert [e.title for e in comparison.evidence_added] == ["Draft study"]  # the minutes were there already


def test_the_review_page_shows_the_changes_marked_and_escaped(two_reviews):
    _, later = two_reviews
    reviewer = Client()
    reviewer.force_login(user("accec"))
    page = reviewer.get(later.get_absolute_url()).content.decode()
    assert "Since the last accepted update" in page
    assert "<del>began.</del>" in page
    assert "<ins>was completed &lt;in draft&gt;.</ins>" in page
    assert "s update for 2026-H1. Changes are marked." in page


def test_a_first_report_on_a_line_is_all_new(periods):
    # DIFAP-2.2 (TELSOM's) had no 2019 status: nothing was ever accepted for it.
    update = services.update_create(
        user=user("telsom"),
        period=periods,
        initiative=line("DIFAP-2.2"),
        body=user("telsom").body,
        values={"status": "in_progress", "progress": 10, "narrative": "Work started."},
    )
    comparison = compare(update)
    assert comparison.previous is None
    assert comparison.narrative == [("inserted", "Work started.")]
    assert ("Status", "no accepted update yet", "In progress", True) in comparison.facts
