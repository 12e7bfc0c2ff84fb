from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "myomap.screening"
    verbose_name = "Safety screening"
