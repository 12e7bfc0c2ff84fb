from django.urls import path

from myomap.patients import views

app_name = "patients"
urlpatterns = [
    path("clients/", views.patient_list, name="list"),
    path("clients/new/", views.patient_new, name="new"),
    path("clients/<int:patient_id>/edit/", views.patient_edit, name="edit"),
    path("clients/<int:patient_id>/archive/", views.patient_archive_view, name="archive"),
    path("clients/<int:patient_id>/restore/", views.patient_restore_view, name="restore"),
]
