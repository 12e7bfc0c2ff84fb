from django.urls import path

from myomap.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("knowledge/candidates/", views.candidates, name="candidates"),
    path("knowledge/muscles/<slug:muscle_id>/", views.muscle_page, name="muscle"),
]
