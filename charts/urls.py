from django.urls import path

from . import views

app_name = "charts"

urlpatterns = [
    path("", views.dashboard_all, name="dashboard"),
    path("charts/<slug:slug>.svg", views.chart, name="chart"),
    path("lines/<str:code>/progress.svg", views.line_progress, name="line_chart"),
    path("reporting/", views.reporting_completeness, name="completeness"),
    path("reporting/completeness.svg", views.completeness_chart, name="completeness_chart"),
    path("timeline/", views.timeline_page, name="timeline"),
    path("timeline.svg", views.timeline_chart, name="timeline_chart"),
    path("member-states/", views.member_state_progress, name="member_states"),
    path("member-states/progress.svg", views.member_states_chart, name="member_states_chart"),
    path("<str:code>/", views.dashboard_programme, name="programme_dashboard"),
    path("<str:code>/charts/<slug:slug>.svg", views.programme_chart, name="programme_chart"),
]
