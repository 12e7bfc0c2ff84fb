from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "myomap.knowledge"
    label = "knowledge"
