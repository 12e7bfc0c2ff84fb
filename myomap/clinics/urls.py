from django.urls import path

from myomap.clinics import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change, name="password_change"),
    path("clinic/audit/", views.audit_log, name="audit_log"),
]
