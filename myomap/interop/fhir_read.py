"""Reading a FHIR R4 Bundle that Myomap exported: validated, then turned into plain values.

Everything is checked before anything is written: the file is JSON, a Bundle, every resource
validates against FHIR R4 (R4B models), it holds one Patient, and every pain mark, answer and
document can be read. The first problem raises ``FhirInvalid`` naming the resource and field.
What is imported: the client, pain maps, questionnaire answers (scored again here), and the
signed notes with their amendments as documents of the sending clinic.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from myomap.interop.fhir_bundle import (
    EXTENSION,
    LOCAL,
    QUESTIONNAIRES,
    FhirInvalid,
    validate,
)
from myomap.interop.fhir_selectors import REGION_CODE
from myomap_core.codes import MYOMAP

R4 = "4.0"
GENDER_TO_SEX = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


@dataclass
class MarkIn:
    region_id: str
    intensity: int
    quality: str


@dataclass
class PainMapIn:
    recorded_at: datetime
    source: str
    note: str
    marks: list[MarkIn]


@dataclass
class ResponseIn:
    where: str
    instrument: str
    taken_at: datetime
    answers: dict[str, Any]
    session_number: int


@dataclass
class DocumentIn:
    key: str
    kind: str
    title: str
    text: str
    description: str
    authored_at: datetime
    author_name: str
    source_clinic: str
    source_identifier: str
    amends: str | None


@dataclass
class BundleIn:
    """One client's record as read from a Bundle."""

    bundle_label: str
    source_clinic: str
    patient: dict[str, Any]
    pain_maps: list[PainMapIn] = field(default_factory=list)
    responses: list[ResponseIn] = field(default_factory=list)
    documents: list[DocumentIn] = field(default_factory=list)


def _label(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType', 'resource')}/{resource.get('id', '?')}"


def _when(resource: dict[str, Any], key: str) -> datetime:
    value = resource.get(key)
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise FhirInvalid(_label(resource), key, f"{value!r} is not a date and time") from None
    if moment.tzinfo is None:
        raise FhirInvalid(_label(resource), key, f"{value!r} has no time zone")
    return moment


def _codes(concept: dict[str, Any] | None, system: str) -> list[str]:
    return [
        c.get("code", "") for c in (concept or {}).get("coding", []) if c.get("system") == system
    ]


def _is(resource: dict[str, Any], key: str, code: str) -> bool:
    return code in _codes(resource.get(key), MYOMAP)


def parse_bundle(data: bytes) -> BundleIn:
    """Check ``data`` and read the record it carries; ``FhirInvalid`` names the problem."""
    try:
        bundle = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FhirInvalid("file", "(encoding)", "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise FhirInvalid("file", f"line {exc.lineno}", f"not JSON: {exc.msg}") from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        kind = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise FhirInvalid("file", "resourceType", f"expected a Bundle, found {kind!r}")
    version = bundle.get("fhirVersion") or (bundle.get("meta") or {}).get("fhirVersion")
    if version is not None and not str(version).startswith(R4):
        raise FhirInvalid("Bundle", "fhirVersion", f"{version!r} is not FHIR R4 (4.0.x)")
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        raise FhirInvalid("Bundle", "entry", "the Bundle holds no resources")
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            raise FhirInvalid("Bundle", f"entry[{index}].resource", "missing")
        validate(resource)
    validate(bundle)

    by_url = {e.get("fullUrl"): e["resource"] for e in entries if e.get("fullUrl")}
    resources = [e["resource"] for e in entries]

    def target(reference: dict[str, Any] | None) -> dict[str, Any] | None:
        return by_url.get((reference or {}).get("reference"))

    def name_of(reference: dict[str, Any] | None) -> str:
        found = target(reference)
        if found is None:
            return str((reference or {}).get("display", ""))
        if found.get("resourceType") == "Organization":
            return str(found.get("name", ""))
        name = (found.get("name") or [{}])[0]
        return " ".join([*name.get("given", []), name.get("family", "")]).strip()

    patients = [r for r in resources if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise FhirInvalid("Bundle", "entry", f"expected one Patient, found {len(patients)}")
    person = patients[0]
    source_clinic = name_of(person.get("managingOrganization")) or "another practice"
    identifier = bundle.get("identifier") or {}
    result = BundleIn(
        bundle_label=(
            f"{identifier.get('system', '')}|{identifier.get('value', '')} "
            f"written {bundle.get('timestamp', '?')}"
        ).strip(),
        source_clinic=source_clinic,
        patient=_patient(person),
    )
    for entry in entries:
        resource = entry["resource"]
        kind = resource["resourceType"]
        if kind == "Observation" and _is(resource, "code", LOCAL["pain_map"].code):
            result.pain_maps.append(_pain_map(resource, target))
        elif kind == "QuestionnaireResponse":
            result.responses.append(_response(resource))
        elif kind == "DocumentReference":
            result.documents.append(
                _document(entry.get("fullUrl", ""), resource, by_url, name_of, source_clinic)
            )
    return result


def _patient(resource: dict[str, Any]) -> dict[str, Any]:
    where = _label(resource)
    names = resource.get("name") or []
    official = next((n for n in names if n.get("use") in ("official", None)), None)
    if official is None or not official.get("family") or not official.get("given"):
        raise FhirInvalid(where, "name", "needs a family name and a given name")
    usual: dict[str, Any] = next((n for n in names if n.get("use") == "usual"), {})
    if not resource.get("birthDate"):
        raise FhirInvalid(where, "birthDate", "a client needs a date of birth")
    try:
        born = date.fromisoformat(resource["birthDate"])
    except ValueError:
        raise FhirInvalid(
            where, "birthDate", f"{resource['birthDate']!r} is not a full date"
        ) from None
    telecom = resource.get("telecom") or []
    return {
        "first_name": " ".join(official["given"]),
        "last_name": official["family"],
        "preferred_name": " ".join(usual.get("given", [])),
        "date_of_birth": born,
        "sex": GENDER_TO_SEX.get(resource.get("gender", "unknown"), "unknown"),
        "phone": next((t["value"] for t in telecom if t.get("system") == "phone"), ""),
        "email": next((t["value"] for t in telecom if t.get("system") == "email"), ""),
        "address": ((resource.get("address") or [{}])[0]).get("text", ""),
        "physician_name": ((resource.get("generalPractitioner") or [{}])[0]).get("display", ""),
    }


def _pain_map(panel: dict[str, Any], target: Any) -> PainMapIn:
    sources = [c.removeprefix("pain-map-") for c in _codes(panel.get("method"), MYOMAP)]
    marks = []
    for index, reference in enumerate(panel.get("hasMember") or []):
        member = target(reference)
        if member is None:
            raise FhirInvalid(_label(panel), f"hasMember[{index}]", "not in the Bundle")
        where = _label(member)
        regions = [
            c.removeprefix(REGION_CODE)
            for c in _codes(member.get("bodySite"), MYOMAP)
            if c.startswith(REGION_CODE)
        ]
        if not regions:
            raise FhirInvalid(where, "bodySite", "no Myomap body-chart region code")
        if "valueInteger" not in member:
            raise FhirInvalid(where, "valueInteger", "a pain mark needs its intensity 0-10")
        quality = next(
            (
                c.get("valueString", "")
                for c in member.get("component", [])
                if LOCAL["pain_quality"].code in _codes(c.get("code"), MYOMAP)
            ),
            "",
        )
        marks.append(MarkIn(regions[0], member["valueInteger"], quality))
    return PainMapIn(
        recorded_at=_when(panel, "effectiveDateTime"),
        source=sources[0] if sources else "therapist",
        note=" ".join(n.get("text", "") for n in panel.get("note", [])),
        marks=marks,
    )


def _value(answer: dict[str, Any]) -> Any:
    for key in ("valueInteger", "valueDecimal", "valueBoolean", "valueString"):
        if key in answer:
            value = answer[key]
            nested = answer.get("item") or []
            if nested:
                text = nested[0].get("answer", [{}])[0].get("valueString", "")
                return {"activity": text, "rating": value}
            return value
    return None


def _response(resource: dict[str, Any]) -> ResponseIn:
    where = _label(resource)
    questionnaire = str(resource.get("questionnaire", ""))
    if not questionnaire.startswith(f"{QUESTIONNAIRES}/"):
        raise FhirInvalid(
            where, "questionnaire", f"{questionnaire!r} is not a Myomap questionnaire"
        )
    sessions = next(
        (
            e.get("valueUnsignedInt", 0)
            for e in resource.get("extension", [])
            if e.get("url") == f"{EXTENSION}/sessions-completed"
        ),
        0,
    )
    answers = {}
    for item in resource.get("item", []):
        value = _value((item.get("answer") or [{}])[0])
        if value is not None:
            answers[item["linkId"]] = value
    return ResponseIn(
        where=where,
        instrument=questionnaire.rsplit("/", 1)[1],
        taken_at=_when(resource, "authored"),
        answers=answers,
        session_number=int(sessions),
    )


def _document(
    key: str, resource: dict[str, Any], by_url: dict[Any, Any], name_of: Any, source_clinic: str
) -> DocumentIn:
    where = _label(resource)
    kind = "amendment" if _is(resource, "type", LOCAL["amendment"].code) else "soap_note"
    attachment = (resource.get("content") or [{}])[0].get("attachment", {})
    try:
        data = base64.b64decode(attachment.get("data", ""), validate=True)
        text = data.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise FhirInvalid(where, "content[0].attachment.data", "not base64 UTF-8 text") from None
    if not text.strip():
        raise FhirInvalid(where, "content[0].attachment.data", "the document is empty")
    expected = attachment.get("hash")
    actual = base64.b64encode(hashlib.sha1(data).digest()).decode("ascii")  # R4: SHA-1
    if expected and expected != actual:
        raise FhirInvalid(
            where, "content[0].attachment.hash", "does not match the text (changed in transit)"
        )
    amends = None
    for index, relation in enumerate(resource.get("relatesTo", [])):
        reference = (relation.get("target") or {}).get("reference")
        if reference not in by_url:
            raise FhirInvalid(where, f"relatesTo[{index}].target", "not in the Bundle")
        amends = reference
    authors = resource.get("author") or []
    identifier = (resource.get("identifier") or [{}])[0]
    return DocumentIn(
        key=key,
        kind=kind,
        title=str(attachment.get("title") or "Document"),
        text=text,
        description=str(resource.get("description", "")),
        authored_at=_when(resource, "date"),
        author_name=name_of(authors[0]) if authors else "",
        source_clinic=name_of(resource.get("custodian")) or source_clinic,
        source_identifier=(
            f"{identifier.get('system', '')}|{identifier.get('value', '')}" if identifier else ""
        ),
        amends=amends,
    )
