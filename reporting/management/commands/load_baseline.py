from django.core.management.base import BaseCommand

from difap.models import ImplementationRecord
from reporting.services import load_baseline


class Command(BaseCommand):
    help = "Load DIFAP's mid-2019 implementation column as the accepted baseline updates of 2019-H2 (idempotent)."

    def handle(self, *args, **options):
        records = ImplementationRecord.objects.select_related("initiative", "output")
        period, created = load_baseline(records)
        self.stdout.write(f"Baseline {period}: {created} update(s) created, {records.count() - created} already there.")
