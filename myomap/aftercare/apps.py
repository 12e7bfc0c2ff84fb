from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "myomap.aftercare"
    verbose_name = "Aftercare and home care"
