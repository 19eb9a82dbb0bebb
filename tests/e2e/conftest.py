"""A real site for the browser tests: a fresh database set up as `make setup` does, served by runserver.

It uses its own database (a `<name>_e2e` PostgreSQL database when DATABASE_URL names PostgreSQL, else a
temporary SQLite file), so the browser and the rest of the suite never see each other's data.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.databases import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The running site's environment (its database), for tests that prepare data with manage.py beside the browser.
SITE_ENV = {}
SITE_CONSOLE = {}


def console_output():
    """What the running site printed on its console so far (emails included)."""
    return SITE_CONSOLE["path"].read_text(encoding="utf-8", errors="replace")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def site_env(tmp_path_factory):
    """The environment of the browser tests' site: its own database, set up as `make setup` does."""
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database_url(tmp_path_factory, "e2e"),
        "DEBUG": "1",
        "SECRET_KEY": "e2e-only",
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
    }
    env.pop("CELERY_BROKER_URL", None)  # emails are sent in-process (console backend)
    SITE_ENV.update(env)
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "--noinput"],
        ["load_plans"],
        ["load_difap_implementation"],
        ["load_baseline"],
        ["load_negotiations"],
        ["load_demo"],
    ):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    return env


@pytest.fixture(scope="session")
def site(site_env, tmp_path_factory):
    """Base URL of a running site with both plans, the 2019 baseline, the demo people and an open period."""
    manage = [sys.executable, "manage.py"]
    port = _free_port()
    # runserver logs every request and prints every email (console backend): into files, since a pipe nobody reads
    # fills up and then blocks the server; tests read confirmation links from the console.
    log = tmp_path_factory.mktemp("runserver") / "runserver.log"
    console = tmp_path_factory.mktemp("console") / "runserver.out"
    SITE_CONSOLE["path"] = console
    with open(log, "wb") as log_file, open(console, "wb") as console_file:
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env={**site_env, "PYTHONUNBUFFERED": "1"},
            stdout=console_file,
            stderr=log_file,
        )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("runserver did not start: " + log.read_text(errors="replace")[-2000:])
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def as_user(site, browser):
    """Open a browser page logged in as a demo user: as_user("telsom")."""
    contexts = []

    def login(username):
        context = browser.new_context(base_url=site)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("asean-demo-2026")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(site + "/")
        return page

    yield login
    for context in contexts:
        context.close()


# Issues, builds and publishes the 2019-H2 report through the reports service, as the Secretariat would.
PUBLISH_A_REPORT = """
from accounts.models import User
from reporting.models import Period
from reports import services
secretariat = User.objects.get(username="secretariat")
report = services.report_issue(
    user=secretariat, period=Period.objects.get(code="2019-H2"), title="DIFAP baseline report, published"
)
report = services.report_build(report.pk)
services.report_publish(user=secretariat, report=report)
print(report.get_absolute_url())
"""


# TELSOM files this period's update on AWPEC-12 with a public link and a restricted document; ACCEC accepts it.
ACCEPT_AN_UPDATE = """
from accounts.models import User
from reporting import services
from reporting.models import Evidence, Period
from workprogramme.models import Initiative
telsom, accec = User.objects.get(username="telsom"), User.objects.get(username="accec")
update = services.update_create(
    user=telsom,
    period=Period.objects.current(),
    initiative=Initiative.objects.get(code="AWPEC-12"),
    body=telsom.body,
    values={"status": "delayed", "progress": 40, "narrative": "Drafting resumed after the consultation.",
            "reason": "capacity", "reason_explanation": "The drafting team was reassigned for a quarter."},
    submit=True,
)
public = services.evidence_add_link(user=telsom, update=update, title="Consultation summary",
                                    url="https://example.org/consultation")
restricted = services.evidence_add_link(user=telsom, update=update, title="Internal minutes",
                                        url="https://example.org/minutes")
Evidence.objects.filter(pk=restricted.pk).update(disclosure="restricted", restriction_reason="Internal minutes")
update = services.update_accept(user=accec, update=update)
Evidence.objects.filter(update=update).update(disclosure_confirmed=True)  # the reviewer's confirmation
print(update.initiative.get_absolute_url())
"""


def _run_in_site(site_env, code):
    """Run Python in the browser tests' site (its database, its settings); returns the last line it printed."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=site_env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def published_report(site_env, site):
    """Path of a published progress report (the 2019-H2 baseline), readable by anonymous visitors."""
    return _run_in_site(site_env, PUBLISH_A_REPORT)


@pytest.fixture(scope="session")
def accepted_line(site_env, site):
    """Path of a line whose accepted history has this period's update, with public and restricted evidence."""
    return _run_in_site(site_env, ACCEPT_AN_UPDATE)


def show_error_page(page, path, status):
    """Open `path` answered by the site's own 404 or 500 page, as Django renders it with DEBUG off.

    The browser tests' server runs with DEBUG on, where Django answers with its technical pages instead: the
    site's page is rendered here, by the same error views, and served at `path` with the running site's CSS.
    """
    from django.http import Http404
    from django.test import RequestFactory

    from config import errors

    request = RequestFactory().get(path)
    response = errors.page_not_found(request, Http404()) if status == 404 else errors.server_error(request)
    page.route(
        "**" + path,
        lambda route: route.fulfill(status=status, body=response.content, content_type="text/html; charset=utf-8"),
    )
    return page.goto(path)
