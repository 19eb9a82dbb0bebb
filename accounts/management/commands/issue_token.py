from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.tokens import token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user. The token is printed as the last line, once: it is stored hashed."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--expires-days", type=int, default=None, help="Days until the token expires.")

    def handle(self, *args, username, expires_days, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        try:
            record, key = token_issue(user=user, expires_days=expires_days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        until = f"expires {record.expiry:%Y-%m-%d %H:%M %Z}" if record.expiry else "does not expire"
        self.stdout.write(f"Token for {username} ({user.role_label}), {until}. Send it as: Authorization: Token <key>")
        self.stdout.write(key)
