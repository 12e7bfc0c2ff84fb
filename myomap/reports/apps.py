from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "myomap.reports"
    verbose_name = "Printed reports"
