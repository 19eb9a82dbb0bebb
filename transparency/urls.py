from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("", views.negotiation_list, name="negotiation_list"),
    path("stakeholders/", views.stakeholders, name="stakeholders"),
    path("meetings/", views.meetings, name="meeting_list"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path(
        "consultations/<int:pk>/report.<str:format>",
        views.consultation_report,
        name="consultation_report",
    ),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/download/", views.version_download, name="version_download"),
    path("confirm/<str:token>/", views.verify, name="verify"),
    path("subscriptions/<str:token>/confirm/", views.subscription_confirm, name="subscription_confirm"),
    path("subscriptions/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("consultations/<int:pk>/subscribe/", views.subscribe, name="consultation_subscribe"),
    path("to-do/", views.todo, name="todo"),
    path("to-do/moderate/<str:kind>/<int:pk>/", views.moderate, name="moderate"),
    path("to-do/answer/<int:pk>/", views.answer, name="answer"),
    path("<slug:code>/", views.negotiation_detail, name="negotiation_detail"),
    path("<slug:code>/register/", views.register, name="register"),
    path("<slug:code>/subscribe/", views.subscribe, name="subscribe"),
    path("<slug:code>/requests/", views.requests_list, name="request_list"),
    path("<slug:code>/consultations/new/", views.consultation_create, name="consultation_create"),
]
