from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "myomap.sessions"
    # "sessions" is Django's own session store.
    label = "treatment_sessions"
    verbose_name = "Treatment sessions"
