"""A client's record (``fhir_record.ClientRecord``) as a FHIR R4 Bundle of type collection.

Every resource is built as a dict and validated with ``fhir.resources.R4B`` (FHIR 4.3, the
same as R4 for every resource used here) before it joins the Bundle; a resource that does
not validate raises ``FhirInvalid`` naming the resource and the field. Codes come from the
clinical core (``myomap_core.codes``, ``myomap_core.outcomes``, the atlas): LOINC where
CLINICAL.md gives one, SNOMED CT body structures where the atlas has one, and Myomap's local
code system for the rest. Ids are UUIDs derived from the clinic and the row, so exporting
the same record twice gives the same ids.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from myomap.interop.fhir_record import (
    AppointmentInfo,
    BodySite,
    ClientRecord,
    NoteInfo,
    OutcomeInfo,
    SessionInfo,
)
from myomap_core import outcomes
from myomap_core.codes import MYOMAP, UCUM, Coding

Resource = dict[str, Any]

IDS = uuid.UUID("3f0d6a52-5c55-4f0c-9a3e-5d1b7c2e9a10")
"""The namespace of Myomap's resource UUIDs (uuid5 of clinic slug and row key)."""
IDENTIFIER = "https://myomap.org/fhir/NamingSystem"
EXTENSION = "https://myomap.org/fhir/StructureDefinition"
QUESTIONNAIRES = "https://myomap.org/fhir/Questionnaire"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
UNITS = {"°": "deg", "mm": "mm", "%": "%"}

LOCAL = {
    "pain_map": Coding(MYOMAP, "pain-map", "Pain body map"),
    "pain_quality": Coding(MYOMAP, "pain-quality", "Pain quality"),
    "ppt": Coding(MYOMAP, "pressure-pain-threshold", "Pressure pain threshold (algometry)"),
    "probe": Coding(MYOMAP, "probe-area", "Algometer probe area"),
    "session": Coding(MYOMAP, "nmt-session", "Neuromuscular therapy session"),
    "soap": Coding(MYOMAP, "soap-note", "SOAP note"),
    "amendment": Coding(MYOMAP, "soap-note-amendment", "Amendment of a signed SOAP note"),
    "complaint": Coding(MYOMAP, "main-complaint", "Main complaint"),
}
"""Myomap's local codes, for concepts with no LOINC or SNOMED CT code in CLINICAL.md."""


class FhirInvalid(ValueError):
    """A resource failed FHIR validation: ``resource`` and ``field`` say where."""

    def __init__(self, resource: str, field: str, message: str) -> None:
        super().__init__(f"{resource}: {field}: {message}")
        self.resource = resource
        self.field = field
        self.message = message


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _coding(coding: Coding) -> dict[str, str]:
    return {"system": coding.system, "code": coding.code, "display": coding.display}


def _concept(coding: Coding | None, text: str = "") -> dict[str, Any]:
    concept: dict[str, Any] = {}
    if coding is not None:
        concept["coding"] = [_coding(coding)]
    if text or coding is not None:
        concept["text"] = text or (coding.display if coding else "")
    return concept


def _site(site: BodySite) -> dict[str, Any]:
    concept = _concept(site.snomed, site.text)
    if site.local is not None:
        concept["coding"] = [*concept.get("coding", []), _coding(site.local)]
    return concept


def _quantity(value: float, unit: str) -> dict[str, Any]:
    code = UNITS.get(unit, "{score}")
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


def _file(data: bytes, content_type: str, title: str, created: datetime) -> dict[str, Any]:
    return {
        "contentType": content_type,
        "language": "en",
        "data": base64.b64encode(data).decode("ascii"),
        "size": len(data),
        "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),  # R4: SHA-1
        "title": title,
        "creation": _instant(created),
    }


def _attachment(text: str, title: str, created: datetime) -> dict[str, Any]:
    return _file(text.encode("utf-8"), "text/plain; charset=utf-8", title, created)


def _pdf(data: bytes, title: str, created: datetime) -> dict[str, Any]:
    return _file(data, "application/pdf", f"{title} (PDF)", created)


APPOINTMENT_STATUS = {
    "booked": "booked",
    "confirmed": "booked",
    "arrived": "arrived",
    "in_treatment": "checked-in",
    "completed": "fulfilled",
    "cancelled": "cancelled",
    "late_cancellation": "cancelled",
    "no_show": "noshow",
}
"""Myomap's appointment status -> FHIR R4 AppointmentStatus (hl7.org/fhir/R4/
codesystem-appointmentstatus.html): a confirmed visit is still "booked"; a session under way
is "checked-in"; a late cancellation is "cancelled" with its reason."""


def _answer(value: object, link_id: str = "") -> dict[str, Any] | None:
    """One answer; a PSFS activity is its rating with the activity's name nested under it."""
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        rating = _answer(value.get("rating"))
        if rating is None:
            return None
        if value.get("activity"):
            rating["item"] = [
                {
                    "linkId": f"{link_id}.activity",
                    "text": "Activity",
                    "answer": [{"valueString": str(value["activity"])}],
                }
            ]
        return rating
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": str(value)}


def sections_text(sections: Iterable[tuple[str, str]]) -> str:
    """A note's sections as plain text, one headed block each."""
    return "\n\n".join(f"{label}\n{text}" for label, text in sections)


class _Builder:
    def __init__(self, record: ClientRecord) -> None:
        self.record = record
        self.slug = record.clinic.slug
        self.entries: list[Resource] = []

    def uid(self, key: str) -> str:
        return str(uuid.uuid5(IDS, f"{self.slug}/{key}"))

    def ref(self, key: str, display: str = "") -> dict[str, str]:
        reference = {"reference": f"urn:uuid:{self.uid(key)}"}
        if display:
            reference["display"] = display
        return reference

    def identifier(self, kind: str, value: str) -> list[dict[str, str]]:
        return [{"system": f"{IDENTIFIER}/{self.slug}/{kind}", "value": value}]

    def add(self, key: str, resource: Resource) -> None:
        resource["id"] = self.uid(key)
        self.entries.append(resource)

    @property
    def patient(self) -> dict[str, str]:
        p = self.record.patient
        return self.ref(p.key, f"{p.first_name} {p.last_name}")

    def practitioner(self, username: str) -> dict[str, str]:
        return self.ref(f"user-{username}")

    # ---------------------------------------------------------------- who

    def organization(self) -> None:
        c = self.record.clinic
        telecom = [{"system": "phone", "value": c.phone}] if c.phone else []
        telecom += [{"system": "email", "value": c.email}] if c.email else []
        resource: Resource = {
            "resourceType": "Organization",
            "identifier": [{"system": f"{IDENTIFIER}/clinic", "value": c.slug}],
            "active": True,
            "name": c.name,
        }
        if telecom:
            resource["telecom"] = telecom
        if c.address:
            resource["address"] = [{"text": c.address}]
        self.add("clinic", resource)

    def practitioners(self) -> None:
        for p in self.record.practitioners:
            resource: Resource = {
                "resourceType": "Practitioner",
                "identifier": self.identifier("user", p.key),
                "active": True,
                "name": [{"family": p.last_name, "given": [p.first_name]}],
            }
            if p.credentials:
                resource["qualification"] = [{"code": {"text": p.credentials}}]
            self.add(f"user-{p.key}", resource)

    def client(self) -> None:
        p = self.record.patient
        names: list[dict[str, Any]] = [
            {"use": "official", "family": p.last_name, "given": [p.first_name]}
        ]
        if p.preferred_name:
            names.append({"use": "usual", "given": [p.preferred_name]})
        telecom = [{"system": "phone", "value": p.phone}] if p.phone else []
        telecom += [{"system": "email", "value": p.email}] if p.email else []
        resource: Resource = {
            "resourceType": "Patient",
            "identifier": self.identifier("client", p.key),
            "active": not p.archived,
            "name": names,
            "gender": GENDER.get(p.sex, "unknown"),
            "birthDate": p.birth_date.isoformat(),
            "managingOrganization": self.ref("clinic", self.record.clinic.name),
        }
        if telecom:
            resource["telecom"] = telecom
        if p.address:
            resource["address"] = [{"text": p.address}]
        if p.physician:
            resource["generalPractitioner"] = [{"display": p.physician}]
        self.add(p.key, resource)

    # ---------------------------------------------------------------- findings

    def complaint(self) -> None:
        c = self.record.complaint
        if c is None:
            return
        resource: Resource = {
            "resourceType": "Condition",
            "clinicalStatus": {
                "coding": [{"system": CONDITION_CLINICAL, "code": "active", "display": "Active"}]
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": CONDITION_CATEGORY,
                            "code": "problem-list-item",
                            "display": "Problem List Item",
                        }
                    ]
                }
            ],
            "code": {"text": c.text},
            "subject": self.patient,
            "recordedDate": _instant(c.recorded_at),
        }
        if c.sites:
            resource["bodySite"] = [_site(s) for s in c.sites]
        if c.onset is not None:
            resource["onsetDateTime"] = c.onset.isoformat()
        self.add(c.key, resource)

    def _observation(self, code: dict[str, Any], when: datetime, survey: bool) -> Resource:
        category = "survey" if survey else "exam"
        return {
            "resourceType": "Observation",
            "status": "final",
            "category": [
                {"coding": [{"system": OBSERVATION_CATEGORY, "code": category}]},
            ],
            "code": code,
            "subject": self.patient,
            "effectiveDateTime": _instant(when),
        }

    def pain_maps(self) -> None:
        nprs = outcomes.instrument("nprs").code
        for m in self.record.pain_maps:
            members = []
            for mark in m.marks:
                obs = self._observation(_concept(nprs), m.recorded_at, survey=True)
                obs["bodySite"] = _site(mark.site)
                obs["valueInteger"] = mark.intensity
                obs["component"] = [
                    {"code": _concept(LOCAL["pain_quality"]), "valueString": mark.quality}
                ]
                self.add(mark.key, obs)
                members.append(self.ref(mark.key))
            panel = self._observation(_concept(LOCAL["pain_map"]), m.recorded_at, survey=True)
            if members:
                panel["hasMember"] = members
            else:
                panel["valueString"] = "No painful region marked"
            if m.note:
                panel["note"] = [{"text": m.note}]
            panel["method"] = {
                "coding": [_coding(Coding(MYOMAP, f"pain-map-{m.source}", m.source))],
                "text": f"Marked on the body chart ({m.source})",
            }
            self.add(m.key, panel)

    def thresholds(self) -> None:
        for t in self.record.thresholds:
            obs = self._observation(_concept(LOCAL["ppt"]), t.recorded_at, survey=False)
            obs["bodySite"] = _site(t.site)
            obs["valueQuantity"] = {"value": t.kpa, "unit": "kPa", "system": UCUM, "code": "kPa"}
            obs["component"] = [
                {
                    "code": _concept(LOCAL["probe"]),
                    "valueQuantity": {
                        "value": t.probe_cm2,
                        "unit": "cm²",
                        "system": UCUM,
                        "code": "cm2",
                    },
                }
            ]
            if t.practitioner:
                obs["performer"] = [self.practitioner(t.practitioner)]
            self.add(t.key, obs)

    def posture(self) -> None:
        for m in self.record.posture:
            code = _concept(Coding(MYOMAP, f"posture-{m.measure_id}", m.label))
            obs = self._observation(code, m.recorded_at, survey=False)
            obs["valueQuantity"] = _quantity(m.value, m.unit)
            obs["method"] = {"text": f"Photogrammetry, {m.view} view (an estimate)"}
            self.add(m.key, obs)

    # ---------------------------------------------------------------- questionnaires

    def outcome(self, o: OutcomeInfo) -> None:
        spec = outcomes.instrument(o.instrument)
        items = []
        for item in spec.items:
            answer = _answer(o.answers.get(item.id), item.id)
            if answer is None:
                continue  # skipped: no answer, never 0
            entry: dict[str, Any] = {"linkId": item.id, "text": item.text, "answer": [answer]}
            if item.code is not None:
                entry["definition"] = f"{item.code.system}/{item.code.code}"
            items.append(entry)
        response_key = f"{o.key}-response"
        response: Resource = {
            "resourceType": "QuestionnaireResponse",
            "identifier": self.identifier("questionnaire-response", o.key)[0],
            "questionnaire": f"{QUESTIONNAIRES}/{spec.id.value}",
            "status": "completed",
            "subject": self.patient,
            "authored": _instant(o.taken_at),
            "extension": [
                {"url": f"{EXTENSION}/sessions-completed", "valueUnsignedInt": o.session_number}
            ],
        }
        if items:
            response["item"] = items
        self.add(response_key, response)
        codes = [c for c in (spec.code, spec.panel) if c is not None][:1]
        obs = self._observation(
            {"coding": [_coding(c) for c in codes], "text": spec.name}, o.taken_at, survey=True
        )
        obs["valueQuantity"] = _quantity(o.score_value, spec.unit)
        obs["derivedFrom"] = [self.ref(response_key)]
        if o.band_label:
            obs["interpretation"] = [{"text": o.band_label}]
        obs["note"] = [{"text": f"Score {o.score_display}; after {o.session_number} sessions"}]
        components = []
        distress = spec.codes.get("distress")
        if distress is not None and "distress" in o.subscores:
            components.append(
                {
                    "code": _concept(distress),
                    "valueQuantity": _quantity(float(str(o.subscores["distress"])), spec.unit),
                }
            )
        risk = spec.codes.get(f"risk_{o.band}")
        if risk is not None:
            components.append(
                {"code": _concept(spec.codes["risk"]), "valueCodeableConcept": _concept(risk)}
            )
        if components:
            obs["component"] = components
        self.add(o.key, obs)

    # ---------------------------------------------------------------- care

    def session(self, s: SessionInfo) -> None:
        status = {"finished": "completed", "stopped_for_safety": "stopped"}.get(
            s.status, "in-progress"
        )
        period = {"start": _instant(s.started_at)}
        if s.finished_at is not None:
            period["end"] = _instant(s.finished_at)
        resource: Resource = {
            "resourceType": "Procedure",
            "identifier": self.identifier("session", s.key),
            "status": status,
            "code": _concept(LOCAL["session"], f"Neuromuscular therapy, session {s.number}"),
            "subject": self.patient,
            "performedPeriod": period,
            "performer": [{"actor": self.practitioner(s.practitioner)}],
        }
        sites = {step.site.text: step.site for step in s.steps if step.status == "done"}
        if sites:
            resource["bodySite"] = [_site(site) for site in sites.values()]
        notes = []
        if s.pain_before is not None or s.pain_after is not None:
            notes.append(f"Pain (0-10) before {s.pain_before}, after {s.pain_after}")
        if s.stop_reason:
            notes.append(f"Stopped for safety: {s.stop_reason}")
        if notes:
            resource["note"] = [{"text": n} for n in notes]
        self.add(s.key, resource)
        for step in s.steps:
            done = step.status == "done"
            part: Resource = {
                "resourceType": "Procedure",
                "partOf": [self.ref(s.key)],
                "status": "completed" if done else "not-done",
                "code": _concept(
                    Coding(MYOMAP, f"technique-{step.technique}", step.technique_label)
                ),
                "subject": self.patient,
                "bodySite": [_site(step.site)],
                "performedPeriod": period,
            }
            if not done:
                part["statusReason"] = {
                    "text": "Skipped" if step.status == "skipped" else "Not reached"
                }
            if step.duration_s:
                part["extension"] = [
                    {
                        "url": f"{EXTENSION}/hold-duration",
                        "valueDuration": {
                            "value": step.duration_s,
                            "unit": "s",
                            "system": UCUM,
                            "code": "s",
                        },
                    }
                ]
            if step.discomfort_max is not None:
                part["note"] = [{"text": f"Highest discomfort {step.discomfort_max}/10"}]
            self.add(f"{s.key}-step-{step.order}", part)

    def plans(self) -> None:
        for p in self.record.plans:
            resource: Resource = {
                "resourceType": "CarePlan",
                "identifier": self.identifier("plan", p.key),
                "status": "active" if p.active else "revoked",
                "intent": "plan",
                "title": "Neuromuscular therapy plan",
                "description": (
                    f"{p.initial_sessions} sessions, {p.sessions_per_week} a week, "
                    f"{p.session_minutes} minutes each; review at session {p.review_at_session}."
                ),
                "subject": self.patient,
                "created": _instant(p.created_at),
                "author": self.practitioner(p.practitioner),
            }
            if p.steps:
                resource["activity"] = [
                    {
                        "detail": {
                            "status": "in-progress" if p.active else "stopped",
                            "code": {"text": step.technique_label},
                            "description": f"{step.order}. {step.technique_label}: "
                            f"{step.site.text}",
                        }
                    }
                    for step in p.steps
                ]
            if p.notes:
                resource["note"] = [{"text": p.notes}]
            self.add(p.key, resource)

    def note(self, n: NoteInfo) -> None:
        title = f"SOAP note, session {n.session_number}"
        resource: Resource = {
            "resourceType": "DocumentReference",
            "identifier": self.identifier("note", n.key),
            "status": "current",
            "docStatus": "final",
            "type": _concept(LOCAL["soap"]),
            "subject": self.patient,
            "date": _instant(n.signed_at),
            "author": [self.practitioner(n.signed_by)],
            "authenticator": self.practitioner(n.signed_by),
            "custodian": self.ref("clinic"),
            "description": f"{title}, signed; content hash {n.content_hash}",
            "content": [
                {"attachment": _attachment(sections_text(n.sections), title, n.signed_at)},
                *([{"attachment": _pdf(n.pdf, title, n.signed_at)}] if n.pdf else []),
            ],
            "context": {"related": [self.ref(n.session_key)]},
        }
        self.add(n.key, resource)
        for a in n.amendments:
            amendment: Resource = {
                "resourceType": "DocumentReference",
                "identifier": self.identifier("amendment", a.key),
                "status": "current",
                "docStatus": "amended",
                "type": _concept(LOCAL["amendment"]),
                "subject": self.patient,
                "date": _instant(a.created_at),
                "author": [self.practitioner(a.author)],
                "authenticator": self.practitioner(a.author),
                "custodian": self.ref("clinic"),
                "description": f"Amendment: {a.reason}; content hash {a.content_hash}",
                "relatesTo": [{"code": "appends", "target": self.ref(n.key)}],
                "content": [
                    {
                        "attachment": _attachment(
                            sections_text(a.sections), f"Amendment of the {title}", a.created_at
                        )
                    }
                ],
            }
            self.add(a.key, amendment)

    def imported(self) -> None:
        """Documents another clinic sent: as they came, custodian the sending clinic."""
        for d in self.record.imported:
            kind = LOCAL["soap"] if d.kind == "soap_note" else LOCAL["amendment"]
            resource: Resource = {
                "resourceType": "DocumentReference",
                "status": "current",
                "docStatus": "final" if d.amends_key is None else "amended",
                "type": _concept(kind),
                "subject": self.patient,
                "date": _instant(d.authored_at),
                "custodian": {"display": d.source_clinic},
                "description": d.description or d.title,
                "content": [{"attachment": _attachment(d.text, d.title, d.authored_at)}],
            }
            if d.author_name:
                resource["author"] = [{"display": d.author_name}]
            if d.amends_key is not None:
                resource["relatesTo"] = [{"code": "appends", "target": self.ref(d.amends_key)}]
            self.add(d.key, resource)

    def appointment(self, a: AppointmentInfo) -> None:
        late = a.status == "late_cancellation"
        resource: Resource = {
            "resourceType": "Appointment",
            "identifier": self.identifier("appointment", a.key),
            "status": APPOINTMENT_STATUS[a.status],
            "appointmentType": {"text": a.type_name},
            "start": _instant(a.starts_at),
            "end": _instant(a.ends_at),
            "minutesDuration": max(1, round((a.ends_at - a.starts_at).total_seconds() / 60)),
            "created": _instant(a.booked_at),
            "participant": [
                {"actor": self.patient, "status": "accepted"},
                {"actor": self.practitioner(a.practitioner), "status": "accepted"},
                *([{"actor": {"display": a.place}, "status": "accepted"}] if a.place else []),
            ],
        }
        if a.status in ("cancelled", "late_cancellation"):
            reason = a.cancel_reason or "No reason recorded"
            resource["cancelationReason"] = {
                "text": f"Late cancellation: {reason}" if late else reason
            }
        if a.desk_notes:
            resource["comment"] = a.desk_notes
        if a.session_key:
            resource["supportingInformation"] = [self.ref(a.session_key)]
        self.add(a.key, resource)

    def consent(self) -> None:
        c = self.record.consent
        if c is None:
            return
        who = "the client" if c.filled_by_client else "the client, at the clinic"
        resource: Resource = {
            "resourceType": "Consent",
            "status": "active",
            "scope": {
                "coding": [{"system": CONSENT_SCOPE, "code": "treatment", "display": "Treatment"}]
            },
            "category": [{"text": "Consent to assessment and treatment"}],
            "patient": self.patient,
            "dateTime": _instant(c.signed_at),
            "performer": [self.patient],
            "organization": [self.ref("clinic")],
            "sourceAttachment": _attachment(
                f"{c.wording}\n\nSigned by {c.signed_name} ({who}).", "Intake consent", c.signed_at
            ),
            "policyRule": {"text": "The clinic's consent to neuromuscular therapy (intake)"},
            "provision": {"type": "permit"},
        }
        self.add(c.key, resource)


def build_bundle(record: ClientRecord, *, now: datetime | None = None) -> Resource:
    """The record as a validated FHIR R4 Bundle (a JSON-ready dict)."""
    b = _Builder(record)
    b.organization()
    b.practitioners()
    b.client()
    b.complaint()
    b.pain_maps()
    b.thresholds()
    b.posture()
    for o in record.outcomes:
        b.outcome(o)
    for s in record.sessions:
        b.session(s)
    b.plans()
    for n in record.notes:
        b.note(n)
    b.imported()
    for a in record.appointments:
        b.appointment(a)
    b.consent()
    bundle: Resource = {
        "resourceType": "Bundle",
        "id": b.uid(f"bundle-{record.patient.key}"),
        "identifier": {
            "system": f"{IDENTIFIER}/{b.slug}/export",
            "value": record.patient.key,
        },
        "type": "collection",
        "timestamp": _instant(now or datetime.now(UTC)),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": validate(r)} for r in b.entries],
    }
    validate(bundle)
    return bundle


def validate(resource: Resource) -> Resource:
    """Check ``resource`` against its FHIR R4 model; ``FhirInvalid`` names the field."""
    from fhir.resources.R4B import get_fhir_model_class

    kind = str(resource.get("resourceType", ""))
    label = f"{kind}/{resource.get('id', '?')}" if kind else "resource"
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        raise FhirInvalid(label, "resourceType", f"{kind!r} is not an R4 resource") from None
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(resource)"
        raise FhirInvalid(label, where, first["msg"]) from None
    return resource
