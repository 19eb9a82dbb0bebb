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
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SITE_CONSOLE = {}


def console_output():
    """What the running site printed on its console so far (emails included)."""
    return SITE_CONSOLE["path"].read_text(encoding="utf-8", errors="replace")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _e2e_database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.sqlite3'}"
    import psycopg

    parsed = urlparse(url)
    # One database per xdist worker, should browser tests ever run on two workers at once.
    name = parsed.path.lstrip("/") + "_e2e" + os.environ.get("PYTEST_XDIST_WORKER", "")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Base URL of a running site with both plans, the 2019 baseline, the demo people and an open period."""
    env = {
        **os.environ,
        "DATABASE_URL": _e2e_database_url(tmp_path_factory),
        "DEBUG": "1",
        "SECRET_KEY": "e2e-only",
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
    }
    env.pop("CELERY_BROKER_URL", None)  # emails are sent in-process (console backend)
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
    port = _free_port()
    # The console is where emails go (console backend): tests read confirmation links from it.
    console = tmp_path_factory.mktemp("console") / "runserver.out"
    SITE_CONSOLE["path"] = console
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=console.open("wb"),
        stderr=subprocess.PIPE,
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
        raise RuntimeError("runserver did not start: " + server.stderr.read().decode()[-2000:])
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
