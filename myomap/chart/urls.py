from django.urls import path

from myomap.chart import views

app_name = "chart"
urlpatterns = [
    path("clients/<int:patient_id>/", views.client_chart, name="client"),
]
