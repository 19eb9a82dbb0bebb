"""The demo's reporting period: always one open period whose deadline is still ahead, whatever the date."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User

from .models import Period
from .services import period_close, period_create, period_open

DEMO_LEAD_DAYS = 30


def open_demo_period(today=None):
    today = today or timezone.localdate()
    secretariat = User.objects.get(username="secretariat")
    year, half = Period.containing(today)
    for stale in Period.objects.filter(state=Period.State.OPEN).exclude(year=year, half=half):
        period_close(user=secretariat, period=stale)
    period = Period.objects.filter(year=year, half=half).first()
    earliest_deadline = today + timedelta(days=DEMO_LEAD_DAYS)
    if period is None:
        deadline = max(Period.default_deadline(year, half), earliest_deadline)
        period = period_create(user=secretariat, year=year, half=half, deadline=deadline)
    elif period.deadline < today + timedelta(days=1):
        period.deadline = earliest_deadline
        period.save(update_fields=["deadline"])
    if period.state == Period.State.UPCOMING:
        period = period_open(user=secretariat, period=period)
    return period
