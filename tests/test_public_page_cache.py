"""Public pages come from the shared cache for visitors who are not logged in, and never outlive a change.

Run against the real cache of the settings (Redis beside the broker in CI), with the page cache switched on.
"""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from publiccache import pages
from reporting import services
from reporting.models import Period
from reports import services as report_services
from tests.helpers import user
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/programmes/DIFAP/",
    "/initiatives/?search=roaming",
    "/initiatives/AWPEC-1.1/",
    "/member-states/VN/",
    "/bodies/TELSOM/",
    "/reports/",
    "/open-data/",
    "/feeds/progress/",
    "/sitemap.xml",
]


@pytest.fixture(autouse=True)
def page_cache_on(settings, tmp_path):
    settings.PUBLIC_CACHE_SECONDS = 300
    settings.MEDIA_ROOT = tmp_path


def queries_for(client, url):
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    # ATOMIC_REQUESTS wraps every view in a transaction: inside the test's own, that is a savepoint, not a read.
    return len([q for q in queries if "SAVEPOINT" not in q["sql"]]), response


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_visitor_gets_the_second_view_of_a_public_page_without_a_query(url):
    visitor = Client()
    built, first = queries_for(visitor, url)
    cached, second = queries_for(visitor, url)
    assert built > 0
    assert cached == 0
    assert second.content == first.content


def accept_an_update_on(code, narrative):
    period = services.period_open(
        user=user("secretariat"), period=services.period_create(user=user("secretariat"), year=2026, half=2)
    )
    update = services.update_create(
        user=user("telsom"),
        period=period,
        initiative=Initiative.objects.get(code=code),
        body=user("telsom").body,
        values={"status": "completed", "progress": 100, "narrative": narrative},
        submit=True,
    )
    return services.update_accept(user=user("accec"), update=update)


def test_accepting_an_update_shows_at_once_on_the_cached_line_page_and_home():
    visitor = Client()
    line_before = visitor.get("/initiatives/AWPEC-1.1/").content.decode()
    home_before = visitor.get("/").content.decode()
    assert "Roaming agreement signed by all ten." not in line_before

    accept_an_update_on("AWPEC-1.1", "Roaming agreement signed by all ten.")

    assert "Roaming agreement signed by all ten." in visitor.get("/initiatives/AWPEC-1.1/").content.decode()
    assert visitor.get("/").content.decode() != home_before


def test_publishing_and_withdrawing_a_report_show_at_once(django_capture_on_commit_callbacks):
    visitor = Client()
    assert "Baseline to SEOM" not in visitor.get("/reports/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_issue(
            user=user("accec"), period=Period.objects.get(code="2019-H2"), title="Baseline to SEOM"
        )
    report.refresh_from_db()
    report_services.report_publish(user=user("secretariat"), report=report)
    assert "Baseline to SEOM" in visitor.get("/reports/").content.decode()
    assert "Baseline to SEOM" in visitor.get("/feeds/reports/").content.decode()

    report_services.report_withdraw(user=user("secretariat"), report=report, reason="Figures under correction")
    assert "Figures under correction" in visitor.get("/reports/").content.decode()


def test_people_who_are_logged_in_never_get_or_leave_a_cached_page():
    visitor = Client()
    visitor.get("/initiatives/AWPEC-1.1/")
    secretariat = Client()
    secretariat.force_login(user("secretariat"))
    working = secretariat.get("/initiatives/AWPEC-1.1/").content.decode()
    assert 'action="/initiatives/AWPEC-1.1/status/"' in working  # the working view, not the visitor's copy
    assert 'action="/initiatives/AWPEC-1.1/status/"' not in visitor.get("/initiatives/AWPEC-1.1/").content.decode()


def test_a_page_holding_a_csrf_token_is_never_handed_to_the_next_visitor():
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    @pages.public_page
    def a_page_with_a_form(request):
        return HttpResponse(f"token {get_token(request)}")

    first, second = RequestFactory().get("/form/"), RequestFactory().get("/form/")
    first.user = second.user = AnonymousUser()
    assert a_page_with_a_form(first).content != a_page_with_a_form(second).content


def test_pages_are_built_as_usual_when_the_cache_cannot_be_reached(settings):
    # A cache server nobody listens on (Django's test signals rebuild the cache handler when CACHES changes).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    pages.forget_cached_pages()
    visitor = Client()
    for url in ("/", "/initiatives/AWPEC-1.1/", "/initiatives/AWPEC-1.1/"):
        assert visitor.get(url).status_code == 200
    accept_an_update_on("AWPEC-1.1", "Accepted while the cache was down.")
    assert "Accepted while the cache was down." in visitor.get("/initiatives/AWPEC-1.1/").content.decode()


def test_the_generation_moves_on_once_more_when_the_transaction_commits(django_capture_on_commit_callbacks):
    before = cache.get(pages.GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        accept_an_update_on("AWPEC-1.2", "Committed.")
    assert [c for c in callbacks if c is pages._move_on] == [pages._move_on]  # once per transaction, not per save
    assert cache.get(pages.GENERATION_KEY) > before
