from django.urls import path

from myomap.interop import views

app_name = "interop"
urlpatterns = [
    path("clients/import/", views.clients_import_view, name="clients_import"),
]
