from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "myomap.appointments"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from myomap.appointments import receivers  # noqa: F401  (connects the signal)
