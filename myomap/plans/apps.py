from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "myomap.plans"
    verbose_name = "Treatment plans"
