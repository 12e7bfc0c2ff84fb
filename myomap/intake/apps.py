from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "myomap.intake"
    label = "intake"
