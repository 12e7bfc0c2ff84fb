from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "myomap.outcomes"
    verbose_name = "Outcome measures"
