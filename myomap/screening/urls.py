from django.urls import path

from myomap.screening import views

app_name = "screening"
urlpatterns = [
    path("clients/<int:patient_id>/screening/health-checks/", views.screen_now, name="now"),
    path("clients/<int:patient_id>/screening/rescreen/", views.rescreen, name="rescreen"),
    path(
        "clients/<int:patient_id>/screenings/<int:screening_id>/clearance/",
        views.clearance_new,
        name="clearance_new",
    ),
    path(
        "clients/<int:patient_id>/screenings/<int:screening_id>/letter.pdf",
        views.referral_letter,
        name="letter",
    ),
    path(
        "clients/<int:patient_id>/clearances/<int:clearance_id>/document/",
        views.clearance_document,
        name="clearance_document",
    ),
]
