from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("programmes", views.ProgrammeViewSet)
router.register("bodies", views.BodyViewSet)
router.register("member-states", views.MemberStateViewSet)
router.register("initiatives", views.InitiativeViewSet)

urlpatterns = router.urls
