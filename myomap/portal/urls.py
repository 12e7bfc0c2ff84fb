from django.urls import path

from myomap.portal import views

app_name = "portal"
urlpatterns = [
    path("i/<str:token>/", views.intake_start, name="intake"),
    path("i/<str:token>/done/", views.intake_done, name="done"),
    path("i/<str:token>/<slug:slug>/", views.intake_section, name="section"),
]
