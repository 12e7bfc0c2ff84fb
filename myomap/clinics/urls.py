from django.urls import path

from myomap.clinics import two_factor_views, views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change, name="password_change"),
    path("clinic/audit/", views.audit_log, name="audit_log"),
    path("login/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("account/", two_factor_views.account, name="account"),
    path("account/two-factor/app/start/", two_factor_views.app_start, name="two_factor_app_start"),
    path("account/two-factor/app/", two_factor_views.app_confirm, name="two_factor_app"),
    path(
        "account/two-factor/recovery/", two_factor_views.recovery_codes, name="two_factor_recovery"
    ),
    path("account/two-factor/remove/", two_factor_views.remove, name="two_factor_remove"),
    path("clinic/security/", two_factor_views.clinic_security, name="clinic_security"),
    path(
        "clinic/security/users/<int:user_id>/reset/",
        two_factor_views.clinic_security_reset,
        name="clinic_security_reset",
    ),
]
