from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "myomap.assessments"
    verbose_name = "Assessments"
