from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "myomap.common"
    label = "common"
