from django.urls import path

from myomap.assessments import views

app_name = "assessments"
A = "clients/<int:patient_id>/assessments/<int:assessment_id>/"
urlpatterns = [
    path("clients/<int:patient_id>/assessments/new/", views.assessment_new, name="new"),
    path(A, views.assessment_detail, name="detail"),
    path(f"{A}photos/", views.photo_upload, name="photo_upload"),
    path(f"{A}photos/<int:photo_id>/", views.photo_editor, name="photo"),
    path(f"{A}photos/<int:photo_id>/image", views.photo_image, name="photo_image"),
    path(f"{A}exams/<slug:category>/", views.exam_save, name="exam_save"),
    path(f"{A}palpation/", views.palpation_add, name="palpation_add"),
    path(f"{A}palpation/unit/", views.ppt_unit_set, name="ppt_unit"),
    path(f"{A}palpation/<int:finding_id>/", views.palpation_update, name="palpation_update"),
    path(f"{A}elements/", views.element_override, name="elements"),
]
