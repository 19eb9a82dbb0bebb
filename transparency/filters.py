"""One FilterSet per public list, shared by the pages and the API."""

import django_filters

from workprogramme.filters import CodeFilter, StrictFilterSet

from .models import Consultation, Document, Meeting, Negotiation, Organisation


class DocumentFilter(StrictFilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    negotiation = CodeFilter(queryset=Negotiation.objects.all(), to_field_name="code", label="Negotiation")
    kind = django_filters.ChoiceFilter(choices=Document.Kind.choices, label="Kind")
    disclosure = django_filters.ChoiceFilter(choices=Document.Disclosure.choices, label="State")
    author = django_filters.CharFilter(field_name="author", lookup_expr="icontains", label="Author")
    dated_after = django_filters.DateFilter(field_name="dated", lookup_expr="gte", label="Dated from")
    dated_before = django_filters.DateFilter(field_name="dated", lookup_expr="lte", label="Dated until")

    class Meta:
        model = Document
        fields = ["search", "negotiation", "kind", "disclosure", "author", "dated_after", "dated_before"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


class OrganisationFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices, label="Kind")
    scope = django_filters.ChoiceFilter(choices=Organisation.Scope.choices, label="Scope")
    country = django_filters.CharFilter(field_name="country__code", label="Country (code)")

    class Meta:
        model = Organisation
        fields = ["kind", "scope", "country"]


class ConsultationFilter(StrictFilterSet):
    negotiation = CodeFilter(queryset=Negotiation.objects.all(), to_field_name="code", label="Negotiation")

    class Meta:
        model = Consultation
        fields = ["negotiation"]


class MeetingFilter(StrictFilterSet):
    negotiation = CodeFilter(queryset=Negotiation.objects.all(), to_field_name="code", label="Negotiation")
    held_with = django_filters.ChoiceFilter(choices=Meeting.With.choices, label="With")
    organisation_kind = django_filters.ChoiceFilter(
        field_name="organisations__kind", choices=Organisation.Kind.choices, label="Kind of organisation", distinct=True
    )
    organisation = django_filters.CharFilter(
        field_name="organisations__name", lookup_expr="icontains", label="Organisation", distinct=True
    )
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label="From")
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label="Until")

    class Meta:
        model = Meeting
        fields = ["negotiation", "held_with", "organisation_kind", "organisation", "held_after", "held_before"]
