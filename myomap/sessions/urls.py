from django.urls import path

from myomap.sessions import views

app_name = "sessions"
S = "clients/<int:patient_id>/sessions/<int:session_id>/"
urlpatterns = [
    path("clients/<int:patient_id>/sessions/start/", views.session_start_view, name="start"),
    path(S, views.detail, name="detail"),
    path("clients/<int:patient_id>/checkin-links/", views.checkin_link_new, name="checkin_link"),
    path(
        "clients/<int:patient_id>/checkin-links/<int:checkin_link_id>/revoke/",
        views.checkin_link_revoke_view,
        name="checkin_link_revoke",
    ),
    path(f"{S}guide/", views.guide, name="guide"),
    path(f"{S}events/", views.events, name="events"),
    path(f"{S}finish/", views.finish, name="finish"),
    path(f"{S}checkin/", views.checkin, name="checkin"),
    path(f"{S}status/", views.status, name="status"),
    path(f"{S}stop/", views.stop, name="stop"),
]
