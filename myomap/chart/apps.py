from django.apps import AppConfig


class ChartConfig(AppConfig):
    name = "myomap.chart"
    label = "chart"
