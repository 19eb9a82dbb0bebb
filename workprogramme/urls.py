from django.urls import path

from . import views

app_name = "workprogramme"

urlpatterns = [
    path("programmes/<str:code>/", views.programme_detail, name="programme_detail"),
    path("initiatives/", views.initiative_list, name="initiative_list"),
    path("choices/initiatives/<str:name>/", views.initiative_filter_choices, name="initiative_filter_choices"),
    path("initiatives/<str:code>/", views.initiative_detail, name="initiative_detail"),
    path("member-states/", views.member_state_list, name="member_state_list"),
    path("member-states/<str:code>/", views.member_state_detail, name="member_state_detail"),
    path("bodies/", views.body_list, name="body_list"),
    path("bodies/<str:acronym>/", views.body_detail, name="body_detail"),
    path("initiatives/<str:code>/status/", views.initiative_status, name="initiative_status"),
]
