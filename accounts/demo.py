"""The demo people: one per role, and one reporter per implementing body. Never created in production."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from workprogramme.models import Body

from .models import User

DEMO_PASSWORD = "asean-demo-2026"
SECRETARIAT_GROUP = "Secretariat"


def reporter_username(body):
    return body.acronym.lower()


@transaction.atomic
def create_demo_people(password=DEMO_PASSWORD):
    """Create or refresh the demo accounts; returns the usernames. Safe to run again."""
    secretariat_group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    secretariat_group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["workprogramme", "difap", "transparency"])
    )
    people = [
        (
            "admin",
            {
                "role": User.Role.SECRETARIAT,
                "is_staff": True,
                "is_superuser": True,
                "first_name": "Ada",
                "last_name": "Admin",
            },
        ),
        (
            "secretariat",
            {
                "role": User.Role.SECRETARIAT,
                "is_staff": True,
                "first_name": "Siti",
                "last_name": "Secretariat",
            },
        ),
        # ACCEC both implements lines and reviews everyone's updates: its reviewer also files for ACCEC.
        (
            "accec",
            {
                "role": User.Role.REVIEWER,
                "body": Body.objects.filter(acronym="ACCEC").first(),
                "first_name": "Arun",
                "last_name": "Reviewer",
            },
        ),
    ]
    people += [
        (
            reporter_username(body),
            {"role": User.Role.REPORTER, "body": body, "first_name": body.acronym, "last_name": "reporter"},
        )
        for body in Body.objects.exclude(acronym="ACCEC")
    ]
    for username, values in people:
        user, created = User.objects.update_or_create(
            username=username, defaults={**values, "email": f"{username}@demo.invalid"}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        if username == "secretariat":
            user.groups.add(secretariat_group)
    return [username for username, _ in people]
