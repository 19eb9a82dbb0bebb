"""The accepted record as the public reads it: one queryset shared by the open-data API and the bulk downloads.

Everything goes through Update.objects.public() and Evidence.objects.public()/withheld_from_public(); nothing here
touches authors, reviewers, review notes, comments or internal history.
"""

import django_filters
from django.db.models import Prefetch

from workprogramme.filters import CodeFilter, PeriodFilter
from workprogramme.models import Body, Initiative, MemberState, Programme, Status

from . import public_record
from .models import MemberStateProgress, Period, Update


def open_data_updates():
    """The public record's accepted updates (public_record.public_updates), with what the public may see of their
    evidence and Member States, in the order the data is published: a fixed number of queries."""
    return (
        public_record.with_public_evidence(public_record.public_updates())
        .prefetch_related(
            Prefetch(
                "member_state_progress",
                queryset=MemberStateProgress.objects.select_related("member_state"),
                to_attr="member_states_public",
            )
        )
        .order_by("-period__year", "-period__half", "initiative__position", "initiative_id", "output__position", "pk")
    )


class PublicUpdateFilter(django_filters.FilterSet):
    """The filters of the updates list that make sense for the public (no `state`: everything here is accepted)."""

    period = PeriodFilter(queryset=Period.objects.all(), to_field_name="code", label="Period")
    body = CodeFilter(queryset=Body.objects.all(), to_field_name="acronym", label="Body")
    initiative = CodeFilter(queryset=Initiative.objects.all(), to_field_name="code", label="Initiative")
    programme = CodeFilter(
        queryset=Programme.objects.all(), to_field_name="code", method="filter_programme", label="Programme"
    )
    member_state = CodeFilter(
        queryset=MemberState.objects.all(), to_field_name="code", method="filter_member_state", label="Member State"
    )
    status = django_filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Update
        fields = ["period", "body", "initiative", "programme", "member_state", "status"]

    def filter_programme(self, queryset, name, value):
        return queryset.filter(initiative__in=Initiative.objects.for_programme(value).values("pk"))

    def filter_member_state(self, queryset, name, value):
        # Updates that say something about this Member State.
        return queryset.filter(member_state_progress__member_state=value).distinct()


def withheld_summary(update):
    """[{"reason": ..., "count": n}] for the evidence the public is told exists but may not open (the pages' rule)."""
    return [{"reason": reason, "count": n} for reason, n in public_record.withheld_summary(update.withheld_evidence)]
