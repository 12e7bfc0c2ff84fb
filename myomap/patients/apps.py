from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "myomap.patients"
    label = "patients"
