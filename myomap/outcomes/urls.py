from django.urls import path  # noqa: F401

from myomap.outcomes import views  # noqa: F401

app_name = "outcomes"
urlpatterns: list[object] = []
