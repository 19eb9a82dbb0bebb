"""One FilterSet for the initiative list, shared by the HTML page and the API."""

import re

import django_filters
from django import forms
from django.db import models
from django.utils.html import format_html
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import NotFound, ValidationError

from .models import Area, Body, Initiative, MemberState, Outcome, Programme, Status

BOOLEAN_VALUES = {"true", "false", "True", "False"}


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    """A whole number: `?target_year=0.5` is refused instead of matching nothing."""

    field_class = forms.IntegerField


class StrictFilterSet(django_filters.FilterSet):
    """Refuses a filter value it cannot read, naming the parameter (the API answers 400), instead of ignoring it.

    django-filter already refuses unknown codes and choices; two kinds of value slipped through: a yes/no filter read
    `null` or `maybe` as "any" (its widget maps every unknown word to None), and integer columns were filtered as
    decimals (so `0.5` matched nothing)."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        **{
            field: {"filter_class": IntegerFilter}
            for field in (
                models.IntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.SmallIntegerField,
                models.BigIntegerField,
            )
        },
    }

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            raw = self.data.get(name)
            unreadable = raw not in (None, "") and str(raw) not in BOOLEAN_VALUES
            if isinstance(filter_, django_filters.BooleanFilter) and unreadable:
                self.form.add_error(name, "Use true or false.")
                valid = False
        return valid


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(django_filters.ModelChoiceFilter):
    """Picks a catalogue row by its code or acronym, as people write them ("DIFAP", "TELSOM", "VN").

    `search_fields` (the code first) make it a filter whose choices grow with the data: the page shows a text box
    that suggests matching choices as one types (`choices`), instead of a drop-down listing every row.
    """

    def __init__(self, *args, search_fields=(), **kwargs):
        self.search_fields = search_fields
        super().__init__(*args, **kwargs)
        if search_fields:
            self.extra["widget"] = SearchAsYouType()


class SearchAsYouType(forms.TextInput):
    """A text box for a code, with the matching choices suggested from the server as one types.

    Without JavaScript it is a plain box taking the code (the filter reads codes); static/js/choices.js fills the
    box's <datalist> from `data-choices-url`, an address of the page's own filter (see `choices`).
    """

    def render(self, name, value, attrs=None, renderer=None):
        options = f"{(attrs or {}).get('id', name)}-choices"
        attrs = {**(attrs or {}), "list": options, "autocomplete": "off", "data-choices": name}
        return super().render(name, value, attrs, renderer) + format_html('<datalist id="{}"></datalist>', options)


CHOICES_SHOWN = 20


def choices(filterset_class, name, text):
    """Up to CHOICES_SHOWN rows a search-as-you-type filter of `filterset_class` accepts, matching `text`:
    [{"value": code, "label": ...}]. None when `name` is not such a filter."""
    filter_ = filterset_class.base_filters.get(name)
    if not isinstance(filter_, CodeFilter) or not filter_.search_fields:
        return None
    code, *others = filter_.search_fields
    rows = filter_.extra["queryset"]
    text = text.strip()[:100]
    if text:
        rows = rows.filter(
            models.Q(**{f"{code}__istartswith": text}) | models.Q(**{f"{f}__icontains": text for f in others[:1]})
        )
    rows = rows.order_by(code).values_list(*filter_.search_fields)[:CHOICES_SHOWN]
    return [{"value": row[0], "label": " ".join(str(part) for part in row)[:150]} for row in rows]


PERIOD_CODE = r"\d{4}-H[12]"


@extend_schema_field({"type": "string", "pattern": rf"^{PERIOD_CODE}$", "example": "2026-H2"})
class PeriodFilter(CodeFilter):
    """A reporting period by its code (2026-H2): in the API a malformed code is a 400, a well-formed unknown one 404."""


class InitiativeFilter(StrictFilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    programme = CodeFilter(
        queryset=Programme.objects.all(), to_field_name="code", method="filter_programme", label="Programme"
    )
    area = CodeFilter(
        queryset=Area.objects.select_related("programme", "parent"),
        to_field_name="code",
        method="filter_area",
        label="Area",
    )
    outcome = CodeFilter(
        queryset=Outcome.objects.all(), to_field_name="code", field_name="outcome", label="AWPEC outcome"
    )
    body = CodeFilter(
        queryset=Body.objects.all(),
        to_field_name="acronym",
        method="filter_body",
        label="Implementing body",
        search_fields=("acronym", "name"),
    )
    member_state = CodeFilter(
        queryset=MemberState.objects.all(),
        to_field_name="code",
        method="filter_member_state",
        label="Member State",
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, label="Status")
    target_year = IntegerFilter(field_name="target_year", label="Timeline year")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue",
        widget=forms.Select(choices=[("", "Any"), ("true", "Overdue only"), ("false", "Not overdue")]),
    )

    class Meta:
        model = Initiative
        fields = [
            "search",
            "programme",
            "area",
            "outcome",
            "body",
            "member_state",
            "status",
            "target_year",
            "overdue",
        ]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_programme(self, queryset, name, value):
        return queryset.for_programme(value)

    def filter_area(self, queryset, name, value):
        return queryset.in_area(value)

    def filter_body(self, queryset, name, value):
        return queryset.for_body(value)

    def filter_member_state(self, queryset, name, value):
        return queryset.for_member_state(value)

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class StrictFilterBackend(DjangoFilterBackend):
    """The API's filter backend: the FilterSets it builds from `filterset_fields` are strict too.

    Two refusals are the API's own (the HTML lists keep showing the unfiltered list): a yes/no, number, choice or
    period filter sent empty (`?received=`, `?status=`) is 400, since an empty value is none of these; and a code
    that names no record (`?body=TELSON`) is 404 naming the parameter, since it is well formed and only the record
    is missing.
    """

    filterset_base = StrictFilterSet

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        empty = {
            name: ["Give a value, or leave the parameter out."]
            for name, filter_ in filterset.filters.items()
            if (
                isinstance(filter_, django_filters.BooleanFilter | django_filters.NumberFilter | PeriodFilter)
                # a list of choices (an enum in the schema); not a code filter, whose schema is any string
                or (
                    isinstance(filter_, django_filters.ChoiceFilter)
                    and not isinstance(filter_, django_filters.ModelChoiceFilter)
                )
            )
            and request.query_params.get(name) == ""
        }
        if empty:
            raise ValidationError(empty)
        if not filterset.is_valid():
            errors = filterset.form.errors.as_data()
            unknown = {
                name: [f"No record has the code {request.query_params.get(name)!r}."]
                for name, problems in errors.items()
                if isinstance(filterset.filters.get(name), CodeFilter)
                and all(problem.code == "invalid_choice" for problem in problems)
                and (
                    not isinstance(filterset.filters[name], PeriodFilter)
                    or re.fullmatch(PERIOD_CODE, request.query_params.get(name, ""))
                )
            }
            if unknown and len(unknown) == len(errors):
                raise NotFound(unknown)
            raise utils.translate_validation(filterset.errors)
        return filterset.qs
