from django.apps import AppConfig


class BodymapConfig(AppConfig):
    name = "myomap.bodymap"
    label = "bodymap"
