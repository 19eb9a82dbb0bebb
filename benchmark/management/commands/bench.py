"""`make bench`: pages, endpoints, report builds and a load test at 1x, 10x and 100x the real data, on PostgreSQL.

Each scale has a database of its own beside DATABASE_URL's (asean_bench_1, asean_bench_10, ...), made once with
`generate_scale_data` and kept for the next run. Every goal of issue 16 is printed as a ratio with pass or short, and
the figures are written to docs/benchmarks.md with the machine they came from. A benchmark, not a test: nothing
fails on a slow machine; the tests keep asserting query counts and query plans.
"""

import datetime
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmark.synthetic import PERIODS

MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
REAL_LINES = 56  # the real catalogue: both plans, as loaded by `make load`
GOALS = {"page_ratio": 1.5, "page_kb": 300, "sql_ratio": 3.0, "report_s": 10.0, "report_mb": 200}


def database_url(name):
    parts = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not parts.scheme.startswith("postgres"):
        raise CommandError("make bench runs on PostgreSQL: set DATABASE_URL=postgres://... (its server is used).")
    return urlunsplit(parts._replace(path=f"/{name}"))


def environment(url, **extra):
    """A production-like process: DEBUG off, no broker (builds run in-process), limits out of the way of the load."""
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "CACHE_URL")}
    env.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "API_RATE_LIMIT": "1000000/hour",
            "PUBLIC_API_RATE_LIMIT": "1000000/hour",
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    return env


def run(args, env):
    done = subprocess.run(MANAGE + args, env=env, capture_output=True, text=True)
    if done.returncode:
        raise CommandError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def measure(args, env):
    """Run a bench_scale measurement; its JSON answer and the process's peak resident memory in MB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(MANAGE + ["bench_scale", *args], env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # the child's own peak memory, which Popen.wait does not give
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise CommandError(f"bench_scale {' '.join(args)} failed:\n{err.read().decode()[-3000:]}")
        return json.loads(out.read().decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024


class Command(BaseCommand):
    help = "Benchmark pages, endpoints, report builds and a load test at several scales; writes docs/benchmarks.md."

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="1,10,100")
        parser.add_argument("--runs", type=int, default=30, help="Requests per page and scale.")
        parser.add_argument("--load-seconds", type=int, default=60)
        parser.add_argument("--clients", type=int, default=40)
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))
        parser.add_argument("--fresh", action="store_true", help="Make the scale databases again.")
        parser.add_argument(
            "--reuse", action="store_true", help="Keep the figures of scales measured by an earlier, unfinished run."
        )

    def handle(self, *args, scales, runs, load_seconds, clients, output, fresh, reuse, **options):
        scales = [int(s) for s in scales.split(",")]
        started = time.monotonic()
        # Each scale's figures are kept as soon as measured, so that a run cut short is resumed with --reuse.
        kept = Path(settings.BASE_DIR) / "var" / "bench-results.json"
        kept.parent.mkdir(exist_ok=True)
        results = {int(k): v for k, v in json.loads(kept.read_text()).items()} if reuse and kept.exists() else {}
        # DEBUG off serves static files from their manifest: write it for the files as they are now.
        run(["collectstatic", "--noinput"], environment(database_url("postgres")))
        for scale in scales:
            if scale in results:
                self.say(f"\n== {scale}x: figures kept from the earlier run")
                self.print_scale(scale, results[scale])
                continue
            url = self.prepare(scale, fresh)
            env = environment(url)
            self.say(f"\n== {scale}x: pages and endpoints, {runs} requests each, interleaved")
            pages, _ = measure(["--pages", "--runs", str(runs)], env)
            reports = {}
            for format in ["all", "pdf", "docx", "xlsx", "csv"]:
                self.say(f"   report: roll-up and {format}")
                reports[format], reports[format]["peak_mb"] = measure(["--report", format], env)
            results[scale] = {"pages": pages, "reports": reports}
            kept.write_text(json.dumps(results))
            self.print_scale(scale, results[scale])
        largest = max(scales)
        self.say(f"\n== load test at {largest}x: {clients} clients for {load_seconds} s, filing and reading")
        load = self.load_test(environment(database_url(f"asean_bench_{largest}")), clients, load_seconds)
        goals = self.goals(results, load, scales)
        Path(output).write_text(self.markdown(results, load, goals, scales, runs, clients, load_seconds, started))
        self.say(f"\nWrote {output} ({time.monotonic() - started:.0f} s in all).")

    def say(self, text):
        self.stdout.write(text)
        self.stdout.flush()

    # Data ------------------------------------------------------------------------------------------------------

    def prepare(self, scale, fresh):
        """The scale's database, made once (migrate, load both plans and the demo people, generate) and reused."""
        name = f"asean_bench_{scale}"
        url = database_url(name)
        env = environment(url, DEBUG="1")  # load_demo refuses to run with DEBUG off
        admin = environment(database_url("postgres"))
        exists = run(["shell", "-c", self.exists_sql(name)], admin).strip().splitlines()[-1] == "1"
        if exists and not fresh:
            run(["migrate", "--noinput"], env)
            counted = run(["shell", "-c", self.counts_sql()], env).strip().splitlines()[-1].split()
            if counted == [str(REAL_LINES * scale), str(PERIODS)]:
                self.say(f"{name}: {REAL_LINES * scale} lines, {PERIODS} periods (kept from an earlier run)")
                return url
        self.say(f"{name}: making it (scale {scale}; minutes at 100x)")
        run(["shell", "-c", self.recreate_sql(name)], admin)
        for step in (["migrate", "--noinput"], ["load_plans"], ["load_difap_implementation"], ["load_baseline"]):
            run(step, env)
        run(["load_demo"], env)
        self.say("   " + run(["generate_scale_data", "--scale", str(scale)], env).strip().splitlines()[-1])
        return url

    @staticmethod
    def exists_sql(name):
        return (
            "from django.db import connection; c = connection.cursor(); "
            f"c.execute(\"SELECT 1 FROM pg_database WHERE datname = '{name}'\"); print(c.fetchone() and 1 or 0)"
        )

    @staticmethod
    def counts_sql():
        return (
            "from workprogramme.models import Initiative; from reporting.models import Period; "
            "print(Initiative.objects.count(), Period.objects.count())"
        )

    @staticmethod
    def recreate_sql(name):
        return (
            "from django.db import connection; connection.ensure_connection(); "
            "connection.connection.autocommit = True; c = connection.cursor(); "
            f'c.execute("DROP DATABASE IF EXISTS {name}"); c.execute("CREATE DATABASE {name}")'
        )

    # Load test -------------------------------------------------------------------------------------------------

    def load_test(self, env, clients, seconds):
        """gunicorn with 2 workers; clients in pairs per reporter, so every filing collides with its twin's."""
        mark = measure(["--update-mark"], env)[0]["mark"]
        reporters = ["telsom", "accp", "accmsme", "accsq", "aegc", "air", "asean-bac", "aswsc", "awgipc", "cca"]
        reporters += ["ccc", "cptfwg", "scaroo", "seom", "slc", "swg-acts", "tfwg", "twg", "usaid-ignite", "wc-pss"]
        tokens = {u: run(["issue_token", u, "--expires-days", "1"], env).strip().splitlines()[-1] for u in reporters}
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "config.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            self.wait_for(base)
            tally = self.hammer(base, tokens, reporters, clients, seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        check = measure(["--count-check", str(mark)], env)[0]
        created = set(tally.pop("created"))
        tally.update(
            filed_rows=check["filed"],
            created_answers=len(created),
            duplicated=check["duplicated"],
            count_ok=set(check["ids"]) == created and check["duplicated"] == 0,
        )
        self.say(json.dumps(tally, indent=1))
        return tally

    @staticmethod
    def wait_for(base):
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=10)
                return
            except urllib.error.HTTPError:
                return  # answering, if not healthy (no broker): enough to start
            except OSError:  # not listening yet, or too busy starting to answer
                time.sleep(0.5)
        raise CommandError("gunicorn did not start")

    def patiently(self, base, token, path):
        """A set-up call, tried again while the freshly started workers warm up."""
        for attempt in range(5):
            try:
                status, answer = self.call(base, token, path)
                if status == 200:
                    return json.loads(answer)
            except OSError:
                pass
            time.sleep(2 * (attempt + 1))
        raise CommandError(f"{path} did not answer")

    def hammer(self, base, tokens, reporters, clients, seconds):
        period = self.patiently(base, tokens[reporters[0]], "/api/v1/periods/?state=open")["results"][0]
        code = period["code"]
        lock = threading.Lock()
        tally = {"requests": 0, "errors": 0, "by_status": {}, "created": [], "latency_ms": []}
        stop = time.monotonic() + seconds

        def client(i):
            reporter = reporters[(i // 2) % len(reporters)]
            token, rng = tokens[reporter], random.Random(reporter)  # the pair shares its choices: they collide
            owed = self.patiently(
                base,
                token,
                f"/api/v1/expected-reports/?period={code}&body={reporter.upper()}&received=false&page_size=500",
            )["results"]
            rng.shuffle(owed)
            while time.monotonic() < stop:
                for entry in owed or [None]:
                    if time.monotonic() >= stop:
                        break
                    calls = [
                        ("GET", f"/api/v1/updates/?period={code}&page_size=20", None),
                        ("GET", "/initiatives/", None),
                    ]
                    if entry and not entry.get("output"):
                        body = {
                            "period": code,
                            "initiative": entry["initiative"],
                            "status": "in_progress",
                            "progress": 10,
                            "narrative": "Filed by the load test.",
                            "submit": False,
                        }
                        calls.insert(0, ("POST", "/api/v1/updates/", body))
                    for method, path, body in calls:
                        started = time.perf_counter()
                        try:
                            status, answer = self.call(base, token, path, method, body)
                        except Exception:  # noqa: BLE001 (a dropped connection is an error to count, not to raise)
                            status, answer = 0, b""
                        with lock:
                            tally["requests"] += 1
                            tally["latency_ms"].append(1000 * (time.perf_counter() - started))
                            tally["by_status"][str(status)] = tally["by_status"].get(str(status), 0) + 1
                            if status == 0 or status >= 500:
                                tally["errors"] += 1
                            if method == "POST" and status == 201:
                                tally["created"].append(json.loads(answer)["id"])

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        latencies = sorted(tally.pop("latency_ms"))
        tally["p95_ms"] = round(latencies[int(0.95 * (len(latencies) - 1))]) if latencies else None
        tally["seconds"] = seconds
        tally["clients"] = clients
        return tally

    @staticmethod
    def call(base, token, path, method="GET", body=None):
        request = urllib.request.Request(
            base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "X-Forwarded-Proto": "https",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read()

    # Goals and the record --------------------------------------------------------------------------------------

    def goals(self, results, load, scales):
        small, large = results[min(scales)], results[max(scales)]
        rows = []
        for name, figures in large["pages"].items():
            base = small["pages"][name]
            ratio = figures["p95_ms"] / base["p95_ms"]
            sql = figures["p50_ms"] / max(figures["sql_p50_ms"], 0.001)
            rows.append(
                {
                    "page": name,
                    "p95_ratio": ratio,
                    "queries": (base["queries"], figures["queries"]),
                    "kb": figures["bytes"] / 1024,
                    "sql_ratio": sql,
                    "pass": {
                        "time": ratio <= GOALS["page_ratio"],
                        "queries": figures["queries"] <= base["queries"],
                        "size": figures["bytes"] / 1024 <= GOALS["page_kb"],
                        "sql": sql <= GOALS["sql_ratio"],
                    },
                }
            )
        full = large["reports"]["all"]
        # The roll-up once, and each format as timed in its own process (the all-in-one run gives the peak memory).
        report_s = full["rollup_s"] + sum(large["reports"][f][f"{f}_s"] for f in ("pdf", "docx", "xlsx", "csv"))
        linear = {}
        for format in ("pdf", "docx", "xlsx", "csv"):
            first, last = (results[s]["reports"][format] for s in (min(scales), max(scales)))
            # Time per line, largest scale over smallest: about 1 when linear. Below 50 ms a build is too quick
            # to time well, so it counts as 50 ms.
            per_line = [max(r[f"{format}_s"], 0.05) / r["lines"] for r in (first, last)]
            linear[format] = per_line[1] / per_line[0]
        return {
            "pages": rows,
            "report": {
                "seconds": report_s,
                "peak_mb": full["peak_mb"],
                "per_line_growth": linear,
                "pass_time": report_s <= GOALS["report_s"],
                "pass_memory": full["peak_mb"] <= GOALS["report_mb"],
                "pass_linear": all(v <= 2 for v in linear.values()),
            },
            "load": {"pass": load["errors"] == 0 and load["count_ok"]},
        }

    def print_scale(self, scale, result):
        self.say(f"{'page or endpoint':26} {'p50 ms':>8} {'p95 ms':>8} {'SQL ms':>8} {'queries':>8} {'KB':>8}")
        for name, f in result["pages"].items():
            self.say(
                f"{name:26} {f['p50_ms']:8.0f} {f['p95_ms']:8.0f} {f['sql_p50_ms']:8.0f} {f['queries']:8} "
                f"{f['bytes'] / 1024:8.0f}"
            )
        full = result["reports"]["all"]
        self.say(
            f"report ({full['lines']} lines): roll-up {full['rollup_s']:.1f} s, "
            + ", ".join(
                f"{f} {result['reports'][f][f + '_s']:.1f} s / {result['reports'][f]['peak_mb']:.0f} MB"
                for f in ("pdf", "docx", "xlsx", "csv")
            )
            + f"; all four in one process: peak {full['peak_mb']:.0f} MB"
        )

    def markdown(self, results, load, goals, scales, runs, clients, seconds, started):
        mark = {True: "pass", False: "**short**"}
        lines = [
            "# Benchmarks",
            "",
            f"Written by `make bench` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC "
            f"({time.monotonic() - started:.0f} s). Scales {', '.join(f'{s}x' for s in scales)} of the real "
            f"catalogue (`generate_scale_data`); {runs} requests per page and scale, interleaved, in one process "
            "(Django's test client, DEBUG off, PostgreSQL); report builds each in a process of their own; the load "
            "test against gunicorn with 2 workers.",
            "",
            "## The machine",
            "",
            *[f"- {line}" for line in self.machine()],
            "",
            "## Goals (issue 16)",
            "",
            f"Largest scale {max(scales)}x against {min(scales)}x.",
            "",
            "| page or endpoint | p95 ratio (≤ 1.5) | queries (fixed) | KB (≤ 300) | page / SQL time (≤ 3) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for row in goals["pages"]:
            p = row["pass"]
            lines.append(
                f"| {row['page']} | {row['p95_ratio']:.2f} {mark[p['time']]} | {row['queries'][0]} → "
                f"{row['queries'][1]} {mark[p['queries']]} | {row['kb']:.0f} {mark[p['size']]} | "
                f"{row['sql_ratio']:.1f} {mark[p['sql']]} |"
            )
        report = goals["report"]
        lines += [
            "",
            f"- Full report at {max(scales)}x (roll-up and all four formats): {report['seconds']:.1f} s "
            f"(≤ 10 s: {mark[report['pass_time']]}), peak memory {report['peak_mb']:.0f} MB "
            f"(≤ 200 MB: {mark[report['pass_memory']]}).",
            "- Export time per line, largest scale over smallest (about 1 when linear): "
            + ", ".join(f"{f} {v:.2f}" for f, v in report["per_line_growth"].items())
            + f" ({mark[report['pass_linear']]}).",
            f"- Load test: {load['clients']} clients for {load['seconds']} s, {load['requests']} requests, "
            f"{load['errors']} errors (5xx or dropped), answers {load['by_status']}, p95 {load['p95_ms']} ms; "
            f"{load['created_answers']} filings answered 201 and {load['filed_rows']} rows filed, "
            f"{load['duplicated']} lines filed twice: count check {mark[load['count_ok']]}.",
            "",
        ]
        for scale in scales:
            result = results[scale]
            lines += [
                f"## {scale}x",
                "",
                "| page or endpoint | p50 ms | p95 ms | SQL ms (p50) | queries | KB |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            for name, f in result["pages"].items():
                lines.append(
                    f"| {name} | {f['p50_ms']:.0f} | {f['p95_ms']:.0f} | {f['sql_p50_ms']:.0f} | {f['queries']} | "
                    f"{f['bytes'] / 1024:.0f} |"
                )
            full = result["reports"]["all"]
            lines += [
                "",
                f"Report ({full['lines']} lines): roll-up {full['rollup_s']:.2f} s; "
                + "; ".join(
                    f"{f.upper()} {result['reports'][f][f + '_s']:.2f} s, "
                    f"{self.kb(result['reports'][f][f + '_bytes'])}, peak {result['reports'][f]['peak_mb']:.0f} MB"
                    for f in ("pdf", "docx", "xlsx", "csv")
                )
                + f". All four in one process: peak {full['peak_mb']:.0f} MB.",
                "",
            ]
        return "\n".join(lines)

    @staticmethod
    def kb(size):
        return f"{size / 1024:.0f} KB" if size is not None else "size not kept"

    @staticmethod
    def machine():
        cpu = (
            next(
                (
                    line.split(":", 1)[1].strip()
                    for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")
                ),
                platform.processor(),
            )
            if Path("/proc/cpuinfo").exists()
            else platform.processor()
        )
        memory = (
            next(
                (
                    line.split(":", 1)[1].strip()
                    for line in Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal")
                ),
                "unknown",
            )
            if Path("/proc/meminfo").exists()
            else "unknown"
        )
        load = os.getloadavg()
        return [
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}",
            f"CPU: {cpu}, {os.cpu_count()} cores (shared with other work: load average {load[0]:.1f} at the end)",
            f"Memory: {memory}",
        ]
