"""A real API server for the contract tests: its own database set up as `make setup` does, served by runserver with
DEBUG off (as in production), and a token for each role. Tests that use it are kept on one xdist worker.

Programs reach it as the bodies' systems would: over HTTP, with `Authorization: Token <key>`.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.databases import fresh_database_url

ROOT = Path(__file__).resolve().parents[1]
# Who calls the API in the contract runs: no one, a reporter (TELSOM), ACCEC's reviewer and the Secretariat.
ROLES = ("telsom", "accec", "secretariat")
SETUP = """
from django.core.management import call_command
for command in ("migrate", "load_plans", "load_difap_implementation", "load_baseline", "load_demo"):
    call_command(command, verbosity=0)
from accounts.models import User
from accounts.tokens import token_issue
for username in {roles!r}:
    print("TOKEN", username, token_issue(user=User.objects.get(username=username))[1])
"""


@dataclass
class LiveAPI:
    url: str
    tokens: dict
    env: dict


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_api(tmp_path_factory):
    """A running API with both plans, the 2019 baseline, the demo people, an open period and a token per role."""
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database_url(tmp_path_factory, "api"),
        "DEBUG": "0",
        "SECRET_KEY": "contract-tests-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("api-media")),
        # The contract runs make thousands of calls: the rate limits are tested elsewhere (test_api_tokens.py).
        "API_RATE_LIMIT": "1000000/hour",
        "PUBLIC_API_RATE_LIMIT": "1000000/hour",
        # load_demo refuses to run with DEBUG off; the setup below runs with it on, the server with it off.
    }
    env.pop("CELERY_BROKER_URL", None)  # work after a commit runs in-process
    env.pop("CACHE_URL", None)  # the server's own memory counts its calls
    setup = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); exec(open(0).read())"],
        input=SETUP.format(roles=ROLES),
        cwd=ROOT,
        env={**env, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    tokens = dict(line.split()[1:] for line in setup.stdout.splitlines() if line.startswith("TOKEN "))
    port = _free_port()
    # The server logs every refused request: to a file, since a pipe nobody reads fills up and blocks it.
    log = tmp_path_factory.mktemp("api-log") / "server.log"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except urllib.error.HTTPError:  # it answers: up (the health check may report the absent broker)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("runserver did not start: " + log.read_text()[-2000:])
    yield LiveAPI(url=url, tokens=tokens, env=env)
    server.terminate()
    server.wait(timeout=10)
