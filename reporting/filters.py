"""One FilterSet for update lists, shared by the page and the API."""

import django_filters

from workprogramme.filters import CodeFilter, PeriodFilter, StrictFilterSet
from workprogramme.models import Body, Initiative, Status

from .models import Period, Update


class UpdateFilter(StrictFilterSet):
    period = PeriodFilter(queryset=Period.objects.all(), to_field_name="code", label="Period")
    body = CodeFilter(
        queryset=Body.objects.all(), to_field_name="acronym", label="Body", search_fields=("acronym", "name")
    )
    initiative = CodeFilter(
        queryset=Initiative.objects.all(), to_field_name="code", label="Initiative", search_fields=("code", "title")
    )
    status = django_filters.ChoiceFilter(choices=Status.choices)
    state = django_filters.ChoiceFilter(choices=Update.State.choices)

    class Meta:
        model = Update
        fields = ["period", "body", "initiative", "status", "state"]
