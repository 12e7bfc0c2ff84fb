from django.urls import include, path

from myomap.api import api
from myomap.common import views as common_views

urlpatterns = [
    path("", common_views.home, name="home"),
    path("healthz", common_views.healthz, name="healthz"),
    path("", include("myomap.clinics.urls")),
    path("", include("myomap.interop.urls")),
    path("", include("myomap.apitokens.urls")),
    path("webauthn/", include("myomap.clinics.passkeys")),
    path("", include("myomap.patients.urls")),
    path("", include("myomap.chart.urls")),
    path("", include("myomap.intake.urls")),
    path("", include("myomap.portal.urls")),
    path("", include("myomap.knowledge.urls")),
    path("", include("myomap.screening.urls")),
    path("", include("myomap.assessments.urls")),
    path("", include("myomap.outcomes.urls")),
    path("", include("myomap.plans.urls")),
    path("", include("myomap.sessions.urls")),
    path("", include("myomap.notes.urls")),
    path("", include("myomap.aftercare.urls")),
    path("", include("myomap.appointments.urls")),
    path("api/v1/", api.urls),
]
