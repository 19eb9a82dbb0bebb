"""A database of its own for a site the tests start in a subprocess (the browser tests' site, the live API)."""

import os
from urllib.parse import urlparse


def fresh_database_url(tmp_path_factory, suffix):
    """An empty database named after the suite's own with `suffix` (and the xdist worker), dropped and created anew;
    a temporary SQLite file when the suite is not on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path_factory.mktemp(suffix) / f'{suffix}.sqlite3'}"
    import psycopg

    parsed = urlparse(url)
    # One database per xdist worker, should such sites ever run on two workers at once.
    name = f"{parsed.path.lstrip('/')}_{suffix}{os.environ.get('PYTEST_XDIST_WORKER', '')}"
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()
