from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("<int:pk>/retry/", views.report_retry, name="report_retry"),
    path("<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("<int:pk>/withdraw/", views.report_withdraw, name="report_withdraw"),
    path("<int:pk>/download/<str:format>/", views.report_download, name="report_download"),
    path("<int:pk>/charts/<slug:slug>.svg", views.report_chart, name="report_chart"),
]
