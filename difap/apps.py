from django.apps import AppConfig


class DifapConfig(AppConfig):
    name = "difap"
    verbose_name = "DIFAP 2019-2025"
