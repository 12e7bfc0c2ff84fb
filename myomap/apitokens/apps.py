from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "myomap.apitokens"
    label = "apitokens"
    verbose_name = "API tokens"
