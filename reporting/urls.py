from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("periods/", views.period_list, name="period_list"),
    path("periods/<str:code>/", views.period_detail, name="period_detail"),
    path("periods/<str:code>/<str:action>/", views.period_action, name="period_action"),
    path("spreadsheet/", views.spreadsheet, name="spreadsheet"),
    path("updates/", views.update_list, name="update_list"),
    path("updates/new/", views.update_create, name="update_create"),
    path("updates/accept/", views.accept_many, name="accept_many"),
    path("updates/choices/<str:name>/", views.update_filter_choices, name="update_filter_choices"),
    path("updates/<int:pk>/", views.update_detail, name="update_detail"),
    path("updates/<int:pk>/edit/", views.update_edit, name="update_edit"),
    path("updates/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("updates/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("updates/<int:pk>/<str:action>/", views.update_action, name="update_action"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("evidence/<int:pk>/disclosure/", views.evidence_disclosure, name="evidence_disclosure"),
]
