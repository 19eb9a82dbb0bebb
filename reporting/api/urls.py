from rest_framework.routers import DefaultRouter

from . import public, views

router = DefaultRouter()
router.register("periods", views.PeriodViewSet)
router.register("expected-reports", views.ExpectedReportViewSet, basename="expected-report")
router.register("updates", views.UpdateViewSet)
# Open data: accepted updates, for anyone (reporting/api/public.py).
router.register("public/updates", public.PublicUpdateViewSet, basename="public-update")

urlpatterns = router.urls
