from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("periods", views.PeriodViewSet)
router.register("expected-reports", views.ExpectedReportViewSet, basename="expected-report")
router.register("updates", views.UpdateViewSet)

urlpatterns = router.urls
