from django.core.management.base import BaseCommand

from outbox import services


class Command(BaseCommand):
    help = (
        "Hand every due job of the outbox to Celery (as Celery beat does every 30 s): those waiting after a "
        "broker outage, and those handed over but not done within the lease. Without a broker, runs them here."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="also jobs still in their backoff, e.g. once the broker is back"
        )

    def handle(self, *args, now=False, **options):
        due, published = services.relay(force=now)
        self.stdout.write(f"{due} job(s) due, {published} handed over.")
