from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from backup.services import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (DATABASE_URL) and the stored files (MEDIA_ROOT, or the object store's bucket when "
        "OBJECT_STORAGE_BUCKET is set) into a new timestamped folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(settings.BASE_DIR / "backups"), help="where to make the folder")
        parser.add_argument("--database-url", help="back up this database instead of DATABASE_URL's")
        parser.add_argument("--media-root", help="back up the files in this folder instead of the site's stored files")

    def handle(self, *args, to, database_url, media_root, **options):
        try:
            folder = backup_create(destination=to, database_url=database_url, media_root=media_root)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Backed up into {folder}")
        self.stdout.write(str(folder))
