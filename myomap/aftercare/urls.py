from django.urls import path

from myomap.aftercare import program_views, views

app_name = "aftercare"
urlpatterns = [
    path(
        "clients/<int:patient_id>/sessions/<int:session_id>/aftercare/",
        views.sheet_page,
        name="sheet",
    ),
    path(
        "clients/<int:patient_id>/sessions/<int:session_id>/aftercare/aftercare.pdf",
        views.sheet_pdf,
        name="pdf",
    ),
    path(
        "clients/<int:patient_id>/sessions/<int:session_id>/aftercare/links/",
        views.link_create,
        name="link_create",
    ),
    path(
        "clients/<int:patient_id>/sessions/<int:session_id>/aftercare/links/"
        "<int:homecare_link_id>/revoke/",
        views.link_revoke,
        name="link_revoke",
    ),
    path(
        "clients/<int:patient_id>/sessions/<int:session_id>/aftercare/program/",
        program_views.program_page,
        name="program",
    ),
]
