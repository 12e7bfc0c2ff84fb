from django.urls import path

from myomap.interop import views

app_name = "interop"
urlpatterns = [
    path("clients/<int:patient_id>/fhir.json", views.client_fhir, name="fhir"),
    path("clients/import/fhir/", views.import_fhir, name="import_fhir"),
]
