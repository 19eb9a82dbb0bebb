import time

from django.core.management.base import BaseCommand, CommandError

from benchmark.synthetic import AlreadyGenerated, generate


class Command(BaseCommand):
    help = (
        "Add a synthetic catalogue and reporting record N times the real one (lines, bodies, updates, history) over "
        "20 periods, to a database holding the real catalogue. Deterministic; for benchmarks, never production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True, help="1: the real catalogue; 100: 100 times it.")

    def handle(self, *args, scale, **options):
        started = time.monotonic()
        try:
            counts = generate(scale, log=self.stdout.write)
        except (AlreadyGenerated, ValueError) as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
        self.stdout.write(f"Scale {scale}: {summary} ({time.monotonic() - started:.0f} s).")
