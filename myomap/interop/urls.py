from django.urls import path

from myomap.interop import fhir_views, views

app_name = "interop"
urlpatterns = [
    path("clients/import/", views.clients_import_view, name="clients_import"),
    path("clients/<int:patient_id>/fhir.json", fhir_views.client_fhir, name="fhir"),
    path("clients/<int:patient_id>/record.zip", fhir_views.client_record_zip, name="record_zip"),
    path("clients/import/fhir/", fhir_views.import_fhir, name="import_fhir"),
]
