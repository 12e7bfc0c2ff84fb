from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "myomap.clinics"
    label = "clinics"
