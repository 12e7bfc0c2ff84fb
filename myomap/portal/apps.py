from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "myomap.portal"
    label = "portal"
