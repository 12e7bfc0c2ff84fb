from django.urls import path

from myomap.notes import views

app_name = "notes"
urlpatterns = [
    path(
        "clients/<int:patient_id>/sessions/<int:session_id>/note/",
        views.session_note,
        name="session_note",
    ),
    path("clients/<int:patient_id>/notes/<int:note_id>/", views.detail, name="detail"),
    path("clients/<int:patient_id>/notes/<int:note_id>/sign/", views.sign, name="sign"),
    path("clients/<int:patient_id>/notes/<int:note_id>/amend/", views.amend, name="amend"),
    path("clients/<int:patient_id>/notes/<int:note_id>/pdf/", views.pdf, name="pdf"),
]
