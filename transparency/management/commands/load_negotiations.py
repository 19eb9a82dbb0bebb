from django.core.management.base import BaseCommand

from transparency.loading import load_negotiation


class Command(BaseCommand):
    help = "Load the DEFA negotiation, its register of requested documents and the letter's signatories (idempotent)."

    def handle(self, *args, **options):
        negotiation, entries, organisations = load_negotiation()
        self.stdout.write(
            f"{negotiation.code}: {negotiation.documents.count()} register entries ({entries} new), "
            f"{organisations} new organisations in the stakeholder registry."
        )
