from django.apps import AppConfig


class WorkprogrammeConfig(AppConfig):
    name = "workprogramme"
    verbose_name = "Work programmes (catalogue)"
