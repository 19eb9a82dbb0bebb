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


def api_as(username):
    """A REST client authenticated as the demo person `username`."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user(username))
    return api


def browser_as(username):
    """A browser client logged in as the demo person `username` (force_login: django-axes needs a request)."""
    from django.test import Client

    browser = Client()
    browser.force_login(user(username))
    return browser
