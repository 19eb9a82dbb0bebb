from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, create_demo_people
from reporting.demo import open_demo_period


class Command(BaseCommand):
    help = "Create the demo accounts (admin, secretariat, accec, one reporter per body). Development only."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow it with DEBUG off (a staging site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to create demo accounts with DEBUG off; pass --force on a staging site.")
        usernames = create_demo_people()
        self.stdout.write(f"Demo accounts ({len(usernames)}), password {DEMO_PASSWORD!r}: {', '.join(usernames)}")
        period = open_demo_period()
        self.stdout.write(f"Open reporting period: {period} (deadline {period.deadline:%d %b %Y}).")
