from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "myomap.interop"
    verbose_name = "Data in and out"
