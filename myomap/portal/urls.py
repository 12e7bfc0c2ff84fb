from django.urls import path

from myomap.portal import appointment, booking, checkin, home_program, questionnaire, views

app_name = "portal"
urlpatterns = [
    path("i/<str:token>/", views.intake_start, name="intake"),
    path("i/<str:token>/done/", views.intake_done, name="done"),
    path("c/done/", checkin.checkin_done, name="checkin_done"),
    path("c/<str:token>/", checkin.checkin, name="checkin"),
    path("a/<str:token>/", appointment.appointment, name="appointment"),
    path("a/<str:token>/book/", booking.booking, name="booking"),
    path("i/<str:token>/<slug:slug>/", views.intake_section, name="section"),
    path("q/<str:token>/", questionnaire.questionnaire, name="questionnaire"),
    path(
        "q/<str:token>/<slug:slug>/",
        questionnaire.questionnaire_screen,
        name="questionnaire_screen",
    ),
    path("h/<str:token>/", home_program.home_program, name="home_program"),
]
