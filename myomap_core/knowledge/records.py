"""Frozen knowledge-base records that validate themselves and name the bad field."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from myomap_core.errors import DomainError

LB_TO_KG: Final = 0.4536
"""Kilograms per pound, as used for every pressure shown in kilograms."""

TRAVELL_SIMONS: Final = frozenset({"ts1", "ts2", "tss3"})
"""Source ids of the Travell & Simons trigger point manuals."""


class SideRelation(StrEnum):
    """Where a referral zone lies relative to the side of the muscle."""

    IPSILATERAL = "ipsilateral"
    CONTRALATERAL = "contralateral"
    BILATERAL = "bilateral"


class ZoneKind(StrEnum):
    """Essential zones are felt by nearly every patient; spillover by some."""

    ESSENTIAL = "essential"
    SPILLOVER = "spillover"


class PalpationMethod(StrEnum):
    """Flat palpation presses across the fibres against bone; pincer grips the muscle."""

    FLAT = "flat"
    PINCER = "pincer"
    FLAT_AND_PINCER = "flat_and_pincer"


class Position(StrEnum):
    """Client position on the table or in the room."""

    PRONE = "prone"
    SUPINE = "supine"
    SIDE_LYING = "side_lying"
    SEATED = "seated"
    STANDING = "standing"


class Contact(StrEnum):
    """What the therapist presses with."""

    THUMB = "thumb"
    FINGERTIPS = "fingertips"
    KNUCKLE = "knuckle"
    ELBOW = "elbow"
    PINCER = "pincer"
    TOOL = "tool"


class MuscleGroup(StrEnum):
    """Body part a muscle is filed under."""

    BACK = "back"
    PELVIS = "pelvis"
    HIP = "hip"
    TRUNK = "trunk"
    NECK = "neck"
    HEAD_JAW = "head_jaw"
    SHOULDER = "shoulder"
    CHEST = "chest"
    ARM = "arm"
    FOREARM = "forearm"
    HAND = "hand"
    THIGH = "thigh"
    LEG = "leg"
    FOOT = "foot"


def _text(field: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DomainError("must be non-empty text", field=field, value=value)


def _ident(field: str, value: str) -> None:
    _text(field, value)
    if not value.replace("_", "").isalnum() or not value.islower():
        raise DomainError(
            "must be lower-case letters, digits and underscores", field=field, value=value
        )


def _texts(field: str, values: tuple[str, ...]) -> None:
    if not isinstance(values, tuple):
        raise DomainError("must be a tuple of text", field=field, value=values)
    for i, value in enumerate(values):
        _text(f"{field}[{i}]", value)


def _idents(field: str, values: tuple[str, ...]) -> None:
    if not isinstance(values, tuple):
        raise DomainError("must be a tuple of ids", field=field, value=values)
    for i, value in enumerate(values):
        _ident(f"{field}[{i}]", value)
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise DomainError("lists an id twice", field=field, value=duplicates[0])


def _range(field: str, value: tuple[float, float], low: float, high: float) -> None:
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise DomainError("must be a [low, high] pair of numbers", field=field, value=value)
    if not low <= value[0] <= value[1] <= high:
        raise DomainError(
            f"must satisfy {low:g} <= low <= high <= {high:g}", field=field, value=list(value)
        )


def _int_between(field: str, value: int, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise DomainError(f"must be a whole number from {low} to {high}", field=field, value=value)


@dataclass(frozen=True, slots=True)
class Source:
    """A reference the knowledge base draws on; ``ours`` marks Myomap's own choices."""

    id: str
    label: str
    citation: str
    ours: bool = False

    def __post_init__(self) -> None:
        _ident("id", self.id)
        _text("label", self.label)
        _text("citation", self.citation)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A pointer into a source, optionally to one chapter and to its pages."""

    ref: str
    chapter: str | None = None
    pages: str | None = None

    def __post_init__(self) -> None:
        _ident("ref", self.ref)
        if self.chapter is not None:
            _text("chapter", self.chapter)
        if self.pages is not None:
            _text("pages", self.pages)

    @property
    def place(self) -> str:
        """Where in the source: "ch. 48", "p. 915", "pp. 942, 944", or empty."""
        parts = [f"ch. {self.chapter}"] if self.chapter else []
        if self.pages:
            plural = any(mark in self.pages for mark in ",-–")
            parts.append(f"{'pp.' if plural else 'p.'} {self.pages}")
        return ", ".join(parts)

    @property
    def locates(self) -> bool:
        """Whether the reference points to a place in the source, not only the source."""
        return bool(self.chapter or self.pages)

    def __str__(self) -> str:
        return f"{self.ref} {self.place}" if self.place else self.ref


@dataclass(frozen=True, slots=True)
class _Term:
    """An entry of a controlled vocabulary: id, label, a description and its source."""

    id: str
    label: str
    description: str
    source: SourceRef

    def __post_init__(self) -> None:
        _ident("id", self.id)
        _text("label", self.label)
        _text("description", self.description)


@dataclass(frozen=True, slots=True)
class Chain(_Term):
    """A myofascial chain or a muscle-imbalance pattern muscles belong to."""


@dataclass(frozen=True, slots=True)
class Condition(_Term):
    """A complaint or diagnosis muscles contribute to or imitate."""


@dataclass(frozen=True, slots=True)
class ReferralZone:
    """An atlas area where a trigger point refers pain, relative to the muscle's side."""

    area: str
    side: SideRelation = SideRelation.IPSILATERAL
    kind: ZoneKind = ZoneKind.ESSENTIAL

    def __post_init__(self) -> None:
        _ident("area", self.area)
        if not isinstance(self.side, SideRelation):
            raise DomainError("must be a SideRelation", field="side", value=self.side)
        if not isinstance(self.kind, ZoneKind):
            raise DomainError("must be a ZoneKind", field="kind", value=self.kind)


@dataclass(frozen=True, slots=True)
class TriggerPoint:
    """A trigger point: where it lies and where it sends pain."""

    id: str
    label: str
    location: str
    area: str
    essential: tuple[ReferralZone, ...]
    spillover: tuple[ReferralZone, ...]
    source: SourceRef

    def __post_init__(self) -> None:
        _ident("id", self.id)
        _text("label", self.label)
        _text("location", self.location)
        _ident("area", self.area)
        if not self.essential:
            raise DomainError("needs at least one essential zone", field="essential")
        for field, zones, kind in (
            ("essential", self.essential, ZoneKind.ESSENTIAL),
            ("spillover", self.spillover, ZoneKind.SPILLOVER),
        ):
            for i, zone in enumerate(zones):
                if zone.kind is not kind:
                    raise DomainError(f"must be a {kind} zone", field=f"{field}[{i}]")

    @property
    def zones(self) -> tuple[ReferralZone, ...]:
        """Essential zones first, then spillover."""
        return self.essential + self.spillover


@dataclass(frozen=True, slots=True)
class Palpation:
    """How to find the taut band and nodule."""

    method: PalpationMethod
    position: Position
    how: str

    def __post_init__(self) -> None:
        if not isinstance(self.method, PalpationMethod):
            raise DomainError("must be flat, pincer or flat_and_pincer", field="method")
        if not isinstance(self.position, Position):
            raise DomainError("must be a Position", field="position", value=self.position)
        _text("how", self.how)


@dataclass(frozen=True, slots=True)
class IschemicCompression:
    """Sustained pressure on the trigger point, then release."""

    pressure_lb: tuple[float, float]
    hold_s: tuple[int, int]
    contact: Contact
    notes: str = ""

    def __post_init__(self) -> None:
        _range("pressure_lb", self.pressure_lb, 0.5, 30)
        _range("hold_s", self.hold_s, 30, 90)
        if not all(isinstance(v, int) for v in self.hold_s):
            raise DomainError("must be whole seconds", field="hold_s", value=list(self.hold_s))
        if not isinstance(self.contact, Contact):
            raise DomainError("must be a Contact", field="contact", value=self.contact)

    @property
    def pressure_kg(self) -> tuple[float, float]:
        """The pressure range in kilograms, to one decimal."""
        low, high = self.pressure_lb
        return (round(low * LB_TO_KG, 1), round(high * LB_TO_KG, 1))


@dataclass(frozen=True, slots=True)
class CrossFibreFriction:
    """Friction across the fibres where adhesions or tendon junctions matter."""

    duration_s: tuple[int, int]
    notes: str = ""

    def __post_init__(self) -> None:
        _range("duration_s", self.duration_s, 5, 600)


@dataclass(frozen=True, slots=True)
class PositionalRelease:
    """Shorten the muscle (origin towards insertion) and hold until it lets go."""

    position: str
    hold_s: int = 90
    notes: str = ""

    def __post_init__(self) -> None:
        _text("position", self.position)
        _int_between("hold_s", self.hold_s, 20, 180)


@dataclass(frozen=True, slots=True)
class FacilitatedStretch:
    """Stretch combined with a resisted contraction (contract-relax)."""

    position: str
    contract_s: int = 6
    repetitions: int = 3
    notes: str = ""

    def __post_init__(self) -> None:
        _text("position", self.position)
        _int_between("contract_s", self.contract_s, 3, 15)
        _int_between("repetitions", self.repetitions, 1, 10)


@dataclass(frozen=True, slots=True)
class Techniques:
    """Treatment techniques with their parameters; compression is always given."""

    ischemic_compression: IschemicCompression
    cross_fibre_friction: CrossFibreFriction | None = None
    positional_release: PositionalRelease | None = None
    facilitated_stretch: FacilitatedStretch | None = None


@dataclass(frozen=True, slots=True)
class SelfCare:
    """What the client can do at home."""

    stretch: str
    self_compression: str

    def __post_init__(self) -> None:
        _text("stretch", self.stretch)
        _text("self_compression", self.self_compression)


@dataclass(frozen=True, slots=True)
class Muscle:
    """One muscle with everything a therapist needs to find and treat its trigger points."""

    id: str
    name: str
    aliases: tuple[str, ...]
    group: MuscleGroup
    origin: str
    insertion: str
    action: str
    innervation: str
    perpetuating_factors: tuple[str, ...]
    conditions: tuple[str, ...]
    mimics: tuple[str, ...]
    chains: tuple[str, ...]
    synergists: tuple[str, ...]
    antagonists: tuple[str, ...]
    satellites: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    palpation: Palpation
    trigger_points: tuple[TriggerPoint, ...]
    techniques: Techniques
    self_care: SelfCare

    def __post_init__(self) -> None:
        _ident("id", self.id)
        _text("name", self.name)
        _texts("aliases", self.aliases)
        if not isinstance(self.group, MuscleGroup):
            raise DomainError("must be a MuscleGroup", field="group", value=self.group)
        for field in ("origin", "insertion", "action", "innervation"):
            _text(field, getattr(self, field))
        _texts("perpetuating_factors", self.perpetuating_factors)
        for field in ("conditions", "mimics", "chains", "synergists", "antagonists", "satellites"):
            _idents(field, getattr(self, field))
        for field in ("synergists", "antagonists", "satellites"):
            if self.id in getattr(self, field):
                raise DomainError("must not list the muscle itself", field=field, value=self.id)
        if not self.sources:
            raise DomainError("needs at least one source", field="sources")
        if not any(s.ref in TRAVELL_SIMONS and s.locates for s in self.sources):
            raise DomainError(
                "needs a Travell & Simons source (ts1, ts2 or tss3) with its chapter or pages",
                field="sources",
            )
        if not self.trigger_points:
            raise DomainError("needs at least one trigger point", field="trigger_points")
        seen: set[str] = set()
        for i, point in enumerate(self.trigger_points):
            if point.id in seen:
                raise DomainError(
                    "trigger point id used twice", field=f"trigger_points[{i}].id", value=point.id
                )
            seen.add(point.id)

    @property
    def travell_simons(self) -> SourceRef:
        """The place in Travell & Simons the muscle's patterns come from."""
        return next(s for s in self.sources if s.ref in TRAVELL_SIMONS and s.locates)

    def trigger_point(self, point_id: str) -> TriggerPoint:
        """The trigger point with this id (``KeyError`` if absent)."""
        for point in self.trigger_points:
            if point.id == point_id:
                return point
        raise KeyError(point_id)
