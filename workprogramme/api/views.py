from rest_framework import viewsets

from ..filters import InitiativeFilter
from ..models import Body, Initiative, MemberState, Programme
from .serializers import BodySerializer, InitiativeSerializer, MemberStateSerializer, ProgrammeSerializer


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Programme.objects.all()
    serializer_class = ProgrammeSerializer
    filterset_fields = ["code"]


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Body.objects.all()
    serializer_class = BodySerializer
    filterset_fields = ["acronym", "kind"]


class MemberStateViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = MemberState.objects.all()
    serializer_class = MemberStateSerializer
    filterset_fields = ["code"]


class InitiativeViewSet(viewsets.ReadOnlyModelViewSet):
    """Initiatives of both plans; filters as on the initiative list page."""

    queryset = Initiative.objects.for_lists()
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
