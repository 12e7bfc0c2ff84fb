from django.urls import path

from myomap.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("clients/<int:patient_id>/outcomes/", views.progress_page, name="progress"),
    path("clients/<int:patient_id>/outcomes/new/<slug:slug>/", views.record, name="record"),
    path(
        "clients/<int:patient_id>/outcomes/<int:response_id>/",
        views.response_detail,
        name="response",
    ),
    path("clients/<int:patient_id>/outcomes/links/", views.link_new, name="link_create"),
    path(
        "clients/<int:patient_id>/outcomes/links/<int:questionnaire_link_id>/revoke/",
        views.link_revoke_view,
        name="link_revoke",
    ),
    path("clients/<int:patient_id>/outcomes/report.pdf", views.report_pdf, name="report"),
]
