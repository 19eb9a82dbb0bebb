from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticatedOrReadOnly

from accounts.throttling import ClientRateThrottle, PublicRateThrottle

from ..filters import InitiativeFilter
from ..models import Body, Initiative, MemberState, Programme
from .serializers import BodySerializer, InitiativeSerializer, MemberStateSerializer, ProgrammeSerializer

OPEN_DATA = "Open data"
PUBLIC_NOTE = (
    " Public: anyone may read this without logging in (open data, CC BY 4.0); anonymous callers are limited per "
    "address (`PUBLIC_API_RATE_LIMIT`)."
)


def public_read_only(viewset):
    """The catalogue is public: anyone may read it, throttled per address; every write still needs a login.

    The viewsets are read-only, so IsAuthenticatedOrReadOnly only ever lets anonymous GET, HEAD and OPTIONS through.
    """
    viewset.permission_classes = [IsAuthenticatedOrReadOnly]
    viewset.throttle_classes = [PublicRateThrottle, ClientRateThrottle]
    name = viewset.__name__.removesuffix("ViewSet").lower()
    return extend_schema_view(
        list=extend_schema(auth=[{}], tags=[OPEN_DATA], description=f"List of {name} records." + PUBLIC_NOTE),
        retrieve=extend_schema(auth=[{}], tags=[OPEN_DATA], description=f"One {name} record." + PUBLIC_NOTE),
    )(viewset)


@public_read_only
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Programme.objects.all()
    serializer_class = ProgrammeSerializer
    filterset_fields = ["code"]


@public_read_only
class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Body.objects.all()
    serializer_class = BodySerializer
    filterset_fields = ["acronym", "kind"]


@public_read_only
class MemberStateViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = MemberState.objects.all()
    serializer_class = MemberStateSerializer
    filterset_fields = ["code"]


@public_read_only
class InitiativeViewSet(viewsets.ReadOnlyModelViewSet):
    """Initiatives of both plans; filters as on the initiative list page."""

    queryset = Initiative.objects.for_lists()
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
