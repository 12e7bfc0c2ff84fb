from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "myomap.notes"
    verbose_name = "SOAP notes"
