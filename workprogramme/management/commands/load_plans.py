from django.core.management.base import BaseCommand, CommandError

from workprogramme.loading import CatalogueError, load_bodies, load_member_states, load_plans


class Command(BaseCommand):
    help = "Load the Member States, implementing bodies and both action plans from fixtures/ (idempotent)."

    def handle(self, *args, **options):
        try:
            result = load_member_states()
            load_bodies(result=result)
            load_plans(result=result)
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Catalogue: {result}")
