from django.core.management.base import BaseCommand, CommandError

from difap.loading import load_implementation
from workprogramme.loading import CatalogueError


class Command(BaseCommand):
    help = "Load DIFAP's mid-2019 IMPLEMENTATION column as dated records (idempotent)."

    def handle(self, *args, **options):
        try:
            result = load_implementation()
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"DIFAP 2019 implementation records: {result}")
