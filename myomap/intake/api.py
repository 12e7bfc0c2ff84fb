"""A client's pain maps through the API (the client page shows the same maps)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from myomap import bodymap
from myomap.common.request import clinic_user
from myomap.intake.models import PainMap
from myomap.intake.schemas import PainMapOut
from myomap.patients.access import access_patient

router = Router(tags=["clients"])


@router.get("/clients/{patient_id}/pain-maps", response=list[PainMapOut])
def list_pain_maps(request: HttpRequest, patient_id: int) -> list[dict[str, object]]:
    patient = access_patient(
        clinic_user(request), patient_id, request=request, clinical=True, what="pain maps"
    )
    maps = PainMap.objects.filter(patient=patient).prefetch_related("marks")
    return [
        {
            "id": m.pk,
            "recorded_at": m.recorded_at,
            "source": m.source,
            "marks": [
                {"region_id": r, "label": bodymap.region_label(r), "intensity": i, "quality": q}
                for r, i, q in bodymap.marks_of(m)
            ],
        }
        for m in maps
    ]
