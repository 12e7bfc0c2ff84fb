from django.urls import path

from myomap.plans import views

app_name = "plans"
P = "clients/<int:patient_id>/plans/<int:plan_id>/"
S = f"{P}steps/<int:plan_step_id>/"
urlpatterns = [
    path("clients/<int:patient_id>/plans/propose/", views.propose, name="propose"),
    path("plans/pressure-unit/", views.pressure_unit, name="pressure_unit"),
    path(P, views.detail, name="detail"),
    path(f"{P}steps/", views.step_add, name="step_add"),
    path(S, views.step_update, name="step_update"),
    path(f"{S}remove/", views.step_remove, name="step_remove"),
    path(f"{S}move/", views.step_move, name="step_move"),
]
