from django.urls import path

from myomap.intake import views

app_name = "intake"
urlpatterns = [
    path("clients/<int:patient_id>/intake/new/", views.intake_new, name="new"),
    path("clients/<int:patient_id>/intake/<int:intake_id>/", views.intake_detail, name="detail"),
    path(
        "clients/<int:patient_id>/intake/<int:intake_id>/<slug:slug>/",
        views.intake_section,
        name="section",
    ),
    path("clients/<int:patient_id>/intake-links/", views.link_create, name="link_create"),
    path(
        "clients/<int:patient_id>/intake-links/<int:link_id>/revoke/",
        views.link_revoke,
        name="link_revoke",
    ),
    path("clients/<int:patient_id>/pain-maps/new/", views.pain_map_new, name="pain_map_new"),
]
