from django.urls import path

from myomap.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("knowledge/", views.atlas_index, name="atlas"),
    path("knowledge/regions/resolve/", views.resolve_region, name="resolve_region"),
    path("knowledge/candidates/", views.candidates, name="candidates"),
    path("knowledge/muscles/<slug:muscle_id>/", views.muscle_page, name="muscle"),
]
