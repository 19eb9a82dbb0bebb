"""One scale's measurements for `make bench`, as JSON on the last line: run by `manage.py bench` in a process of its
own, with DATABASE_URL naming that scale's database (one process per database, and per format for peak memory)."""

import json
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client

from accounts.models import User
from reporting.models import Period, Update

# (name, who, address): the pages and endpoints whose time must not grow with the data.
PAGES = [
    ("home", None, "/"),
    ("programme page", None, "/programmes/DIFAP/"),
    ("initiative list", None, "/initiatives/"),
    ("initiative search", None, "/initiatives/?search=roaming"),
    ("body list", None, "/bodies/"),
    ("body page", None, "/bodies/TELSOM/"),
    ("Member State page", None, "/member-states/VN/"),
    ("reporting (reviewer)", "accec", "/reporting/"),
    ("reporting (reporter)", "telsom", "/reporting/"),
    ("period page", "secretariat", "/reporting/periods/{period}/"),
    ("update list", "secretariat", "/reporting/updates/"),
    ("API initiatives", None, "/api/v1/initiatives/?page_size=100"),
    ("API search", None, "/api/v1/initiatives/?search=roaming"),
    ("API updates", "secretariat", "/api/v1/updates/?page_size=100"),
    ("API public updates", None, "/api/v1/public/updates/?page_size=100"),
    ("API expected reports", "telsom", "/api/v1/expected-reports/?period={period}&body=TELSOM&page_size=100"),
]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class SqlTimer:
    """Counts the queries of a request and the time spent in them (the database's side of a page)."""

    def __init__(self):
        self.queries, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


class Command(BaseCommand):
    help = "Measure one scale (pages, a report format, or the load test's count check); prints JSON. Used by bench."

    def add_arguments(self, parser):
        parser.add_argument("--pages", action="store_true")
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--report", choices=["all", "pdf", "docx", "xlsx", "csv"])
        parser.add_argument("--update-mark", action="store_true", help="The highest update id, before a load test.")
        parser.add_argument("--count-check", type=int, metavar="MARK", help="Updates filed since MARK, then removed.")

    def handle(self, *args, pages, runs, report, update_mark, count_check, **options):
        if pages:
            result = self.pages(runs)
        elif report:
            result = self.report(report)
        elif update_mark:
            result = {"mark": Update.objects.order_by("-pk").values_list("pk", flat=True).first() or 0}
        else:
            result = self.count_check(count_check)
        self.stdout.write(json.dumps(result))

    def pages(self, runs):
        period = Period.objects.current().code
        clients = {}
        for _, who, _ in PAGES:
            if who not in clients:
                clients[who] = Client(HTTP_HOST="localhost", secure=True)
                if who:
                    clients[who].force_login(User.objects.get(username=who))
        samples = {name: [] for name, _, _ in PAGES}
        for run in range(runs + 2):  # the first two warm caches and connections; not counted
            for name, who, address in PAGES:  # interleaved: a slow moment of the machine hits every page alike
                timer = SqlTimer()
                with connection.execute_wrapper(timer):
                    started = time.perf_counter()
                    response = clients[who].get(address.format(period=period))
                    elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {address} answered {response.status_code}")
                if run >= 2:
                    samples[name].append((elapsed, timer.seconds, timer.queries, len(response.content)))
        result = {}
        for name, rows in samples.items():
            times, sql = [r[0] for r in rows], [r[1] for r in rows]
            result[name] = {
                "p50_ms": 1000 * statistics.median(times),
                "p95_ms": 1000 * percentile(times, 95),
                "sql_p50_ms": 1000 * statistics.median(sql),
                "queries": max(r[2] for r in rows),
                "bytes": max(r[3] for r in rows),
            }
        return result

    def report(self, format):
        from reports import exports, rollup
        from reports.models import ProgressReport
        from workprogramme.models import Programme

        period = Period.objects.current()
        programme = Programme.objects.get(code="DIFAP")
        started = time.perf_counter()
        snapshot = rollup.compute(period, programme)
        result = {"rollup_s": time.perf_counter() - started, "lines": len(snapshot["lines"])}
        report = ProgressReport(
            programme=programme,
            period=period,
            version=1,
            title="Benchmark report",
            issued_by=User.objects.get(username="accec"),
            issued_at=period.opened_at,
            snapshot=json.loads(json.dumps(snapshot)),  # as the build stores and reads it
        )
        for name in ["pdf", "docx", "xlsx", "csv"] if format == "all" else [format]:
            started = time.perf_counter()
            data = getattr(exports, f"to_{name}")(report)
            result[f"{name}_s"], result[f"{name}_bytes"] = time.perf_counter() - started, len(data)
        return result

    def count_check(self, mark):
        """Every update the load test filed, once: no line has two (the constraint's promise, checked), then the
        bench database is put back as it was for the next run."""
        filed = Update.objects.filter(pk__gt=mark)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM (SELECT 1 FROM reporting_update GROUP BY period_id, initiative_id, "
                "output_id, body_id HAVING COUNT(*) > 1) AS twice"
            )
            duplicated = cursor.fetchone()[0]
        result = {"filed": filed.count(), "ids": sorted(filed.values_list("pk", flat=True)), "duplicated": duplicated}
        Update.history.filter(id__in=result["ids"]).delete()
        filed.delete()
        return result
