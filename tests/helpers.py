"""Small lookups the reporting tests share."""

from accounts.models import User
from reporting.models import Update
from workprogramme.models import Body, Initiative


def user(username):
    return User.objects.get(username=username)


def body(acronym):
    return Body.objects.get(acronym=acronym)


def line(code):
    return Initiative.objects.get(code=code)


def fresh(update):
    return Update.objects.get(pk=update.pk)
