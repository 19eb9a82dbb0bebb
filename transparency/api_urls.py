from rest_framework.routers import SimpleRouter

from .api import (
    ConsultationViewSet,
    DisclosureRequestViewSet,
    DocumentViewSet,
    MeetingViewSet,
    NegotiationViewSet,
    OrganisationViewSet,
    ResponseModerationViewSet,
)

router = SimpleRouter()
router.register("negotiations", NegotiationViewSet, basename="negotiation")
router.register("register", DocumentViewSet, basename="register-document")
router.register("consultations", ConsultationViewSet, basename="consultation")
router.register("disclosure-requests", DisclosureRequestViewSet, basename="disclosure-request")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("stakeholders", OrganisationViewSet, basename="stakeholder")
router.register("consultation-responses", ResponseModerationViewSet, basename="consultation-response")

urlpatterns = router.urls
