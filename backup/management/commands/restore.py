from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from backup.services import backup_check, backup_restore, database_settings


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `backup`: REPLACES the database's contents (DATABASE_URL) and adds the "
        "stored files to the site's storage (MEDIA_ROOT, or the object store). Stop the web server and the workers "
        "first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder made by `manage.py backup`, e.g. backups/20261125T040000Z")
        parser.add_argument("--confirm", action="store_true", help="yes, overwrite the database")
        parser.add_argument("--database-url", help="restore into this (existing) database instead of DATABASE_URL's")
        parser.add_argument("--media-root", help="restore the stored files into this folder, not the site's storage")

    def handle(self, *args, folder, confirm, database_url, media_root, **options):
        try:
            manifest = backup_check(folder)
            target = database_settings(database_url)["NAME"]
            if not confirm:
                raise CommandError(
                    f"Restoring replaces everything in the database {target} with the backup of "
                    f"{manifest['created_at']}. Run again with --confirm (make restore FILE=... CONFIRM=1)."
                )
            backup_restore(folder=folder, database_url=database_url, media_root=media_root)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Restored {folder} (made {manifest['created_at']}) into {target}.")
