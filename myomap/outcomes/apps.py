from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "myomap.outcomes"
    verbose_name = "Outcome measures"

    def ready(self) -> None:
        from myomap.outcomes import receivers  # noqa: F401  (connects the signal)
