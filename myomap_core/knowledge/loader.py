"""Parse the knowledge-base data files, cross-check them once, and index them.

``load_knowledge_base()`` reads every ``muscles_*.toml`` in the package data plus the
vocabularies (``sources.toml`` and any ``sources_<topic>.toml``, ``chains.toml``,
``conditions.toml``) and returns a
cached :class:`KnowledgeBase`. Every inconsistency raises ``KnowledgeBaseError`` whose
field names the file, the record and the key, e.g.
``muscles_back_pelvis.toml: quadratus_lumborum.trigger_points[1].essential[0].area``.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from importlib.abc import Traversable
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from myomap_core import atlas
from myomap_core.errors import DomainError, KnowledgeBaseError
from myomap_core.knowledge.records import (
    TRAVELL_SIMONS,
    Chain,
    Condition,
    Contact,
    CrossFibreFriction,
    FacilitatedStretch,
    IschemicCompression,
    Muscle,
    MuscleGroup,
    Palpation,
    PalpationMethod,
    Position,
    PositionalRelease,
    ReferralZone,
    SelfCare,
    SideRelation,
    Source,
    SourceRef,
    Techniques,
    TriggerPoint,
    ZoneKind,
)
from myomap_core.knowledge.table import Table, closest

VOCABULARY_FILES = ("sources.toml", "chains.toml", "conditions.toml")
MUSCLE_FILE_PATTERN = "muscles_*.toml"

E = TypeVar("E", bound=StrEnum)
R = TypeVar("R")


class Relation(StrEnum):
    """How a related muscle is tied to the muscle in question."""

    SATELLITE = "satellite"  # develops satellite trigger points in this muscle's zone
    KEY_MUSCLE = "key_muscle"  # this muscle lies in its zone and may be its satellite
    SYNERGIST = "synergist"
    ANTAGONIST = "antagonist"
    CHAIN = "chain"  # shares a myofascial chain or crossed syndrome


@dataclass(frozen=True, slots=True)
class RelatedMuscle:
    """A muscle worth checking next, and why (``via`` names the chain for CHAIN)."""

    muscle_id: str
    relation: Relation
    via: str | None = None


@dataclass(frozen=True, slots=True)
class ReferralEntry:
    """One trigger point of one muscle referring to an atlas area."""

    muscle_id: str
    trigger_point_id: str
    kind: ZoneKind
    side: SideRelation


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """The validated, indexed knowledge base. Build it with ``load_knowledge_base()``."""

    muscles: tuple[Muscle, ...]
    sources: Mapping[str, Source]
    chains: Mapping[str, Chain]
    conditions: Mapping[str, Condition]
    areas: Mapping[str, tuple[str, ...]]
    """Atlas area id -> its region ids (one id for a midline area, left and right otherwise)."""
    referral_index: Mapping[str, tuple[ReferralEntry, ...]]
    """Atlas area id -> every trigger point referring there."""
    _by_id: Mapping[str, Muscle] = field(repr=False)
    _by_name: Mapping[str, str] = field(repr=False)
    _by_alias: Mapping[str, tuple[str, ...]] = field(repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def muscle(self, muscle_id: str) -> Muscle:
        """The muscle with this id; ``DomainError`` naming the closest ids if unknown."""
        try:
            return self._by_id[muscle_id]
        except KeyError:
            raise DomainError(
                f"unknown muscle {muscle_id!r}",
                field="muscle",
                value=muscle_id,
                suggestions=closest(muscle_id, self._by_id),
            ) from None

    def find_muscle(self, name: str) -> Muscle:
        """The muscle called ``name`` (id, name or alias, any case and spacing).

        An alias several muscles share raises ``DomainError`` listing them.
        """
        key = _name_key(name)
        muscle_id = self._by_name.get(key)
        shared = self._by_alias.get(key, ())
        if muscle_id is None and len(shared) == 1:
            muscle_id = shared[0]
        elif muscle_id is None and shared:
            raise DomainError(
                f"{name!r} names several muscles; choose one",
                field="muscle",
                value=name,
                suggestions=[self._by_id[i].name for i in shared],
            )
        if muscle_id is None:
            names = {_name_key(m.name): m.name for m in self.muscles}
            for m in self.muscles:
                names.update({_name_key(a): a for a in m.aliases})
            close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.0)
            raise DomainError(
                f"unknown muscle {name!r}",
                field="muscle",
                value=name,
                suggestions=[names[c] for c in close],
            )
        return self._by_id[muscle_id]

    def muscles_in_chain(self, chain_id: str) -> tuple[Muscle, ...]:
        """Muscles that belong to the chain, by name."""
        if chain_id not in self.chains:
            raise DomainError(
                f"unknown chain {chain_id!r}",
                field="chain",
                value=chain_id,
                suggestions=closest(chain_id, self.chains),
            )
        members = [m for m in self.muscles if chain_id in m.chains]
        return tuple(sorted(members, key=lambda m: m.name))

    def related(self, muscle_id: str) -> tuple[RelatedMuscle, ...]:
        """Muscles to check alongside this one, each once, closest relation first.

        Order: satellites, key muscles (those listing this one as a satellite),
        synergists (either side of the pair lists the other), antagonists, then the
        other members of its chains.
        """
        cache: dict[str, tuple[RelatedMuscle, ...]] = self._cache.setdefault("related", {})
        if muscle_id in cache:
            return cache[muscle_id]
        muscle = self.muscle(muscle_id)
        by_name = sorted(self.muscles, key=lambda m: m.name)
        found: dict[str, RelatedMuscle] = {}

        def add(ids: Iterable[str], relation: Relation, via: str | None = None) -> None:
            for other in ids:
                if other != muscle_id and other not in found:
                    found[other] = RelatedMuscle(other, relation, via)

        add(muscle.satellites, Relation.SATELLITE)
        add((m.id for m in by_name if muscle_id in m.satellites), Relation.KEY_MUSCLE)
        add(muscle.synergists, Relation.SYNERGIST)
        add((m.id for m in by_name if muscle_id in m.synergists), Relation.SYNERGIST)
        add(muscle.antagonists, Relation.ANTAGONIST)
        add((m.id for m in by_name if muscle_id in m.antagonists), Relation.ANTAGONIST)
        for chain_id in muscle.chains:
            add((m.id for m in self.muscles_in_chain(chain_id)), Relation.CHAIN, chain_id)
        result = tuple(found.values())
        cache[muscle_id] = result
        return result

    def source(self, ref: SourceRef) -> Source:
        """The full source a reference points to."""
        return self.sources[ref.ref]


def _name_key(text: str) -> str:
    return " ".join(re.split(r"[\s_\-]+", text.strip().casefold()))


# --------------------------------------------------------------------------- parsing


def _source_ref(table: Table) -> SourceRef:
    ref = table.text("ref")
    place: dict[str, str | None] = {}
    for key in ("chapter", "pages"):
        value = table.get(key)
        if value is not None and not isinstance(value, str | int):
            raise table.error(key, "must be text or a number", value)
        place[key] = None if value is None else str(value)
    return table.build(lambda: SourceRef(ref, **place))


def _zone(table: Table, kind: ZoneKind) -> ReferralZone:
    area = table.text("area")
    side = table.choice("side", SideRelation, SideRelation.IPSILATERAL)
    return table.build(lambda: ReferralZone(area, side, kind))


def _trigger_point(table: Table, default_source: SourceRef) -> TriggerPoint:
    source_table = table.optional_table("source")
    source = default_source if source_table is None else _source_ref(source_table)
    values: dict[str, Any] = {
        "id": table.text("id"),
        "label": table.text("label"),
        "location": table.text("location"),
        "area": table.text("area"),
        "essential": tuple(_zone(t, ZoneKind.ESSENTIAL) for t in table.tables("essential")),
        "spillover": tuple(_zone(t, ZoneKind.SPILLOVER) for t in table.tables("spillover")),
    }
    return table.build(lambda: TriggerPoint(source=source, **values))


def _techniques(table: Table) -> Techniques:
    ic = table.table("ischemic_compression")
    ischemic = ic.build(
        functools.partial(
            IschemicCompression,
            ic.pair("pressure_lb"),
            ic.pair("hold_s"),
            ic.choice("contact", Contact),
            ic.text("notes", ""),
        )
    )
    friction = None
    if (cf := table.optional_table("cross_fibre_friction")) is not None:
        friction = cf.build(
            functools.partial(CrossFibreFriction, cf.pair("duration_s"), cf.text("notes", ""))
        )
    release = None
    if (pr := table.optional_table("positional_release")) is not None:
        release = pr.build(
            functools.partial(
                PositionalRelease,
                pr.text("position"),
                pr.integer("hold_s", 90),
                pr.text("notes", ""),
            )
        )
    stretch = None
    if (fs := table.optional_table("facilitated_stretch")) is not None:
        stretch = fs.build(
            functools.partial(
                FacilitatedStretch,
                fs.text("position"),
                fs.integer("contract_s", 6),
                fs.integer("repetitions", 3),
                fs.text("notes", ""),
            )
        )
    return table.build(lambda: Techniques(ischemic, friction, release, stretch))


def _muscle(table: Table) -> Muscle:
    sources = tuple(_source_ref(t) for t in table.tables("sources", required=True))
    default_source = next((s for s in sources if s.ref in TRAVELL_SIMONS and s.locates), sources[0])
    pal = table.table("palpation")
    palpation = pal.build(
        functools.partial(
            Palpation,
            pal.choice("method", PalpationMethod),
            pal.choice("position", Position),
            pal.text("how"),
        )
    )
    sc = table.table("self_care")
    self_care = sc.build(
        functools.partial(SelfCare, sc.text("stretch"), sc.text("self_compression"))
    )
    values: dict[str, Any] = {
        "id": table.text("id"),
        "name": table.text("name"),
        "aliases": table.texts("aliases"),
        "group": table.choice("group", MuscleGroup),
        "origin": table.text("origin"),
        "insertion": table.text("insertion"),
        "action": table.text("action"),
        "innervation": table.text("innervation"),
        "perpetuating_factors": table.texts("perpetuating_factors"),
        "conditions": table.texts("conditions"),
        "mimics": table.texts("mimics"),
        "chains": table.texts("chains"),
        "synergists": table.texts("synergists"),
        "antagonists": table.texts("antagonists"),
        "satellites": table.texts("satellites"),
        "sources": sources,
        "palpation": palpation,
        "trigger_points": tuple(
            _trigger_point(t, default_source) for t in table.tables("trigger_points", required=True)
        ),
        "techniques": _techniques(table.table("techniques")),
        "self_care": self_care,
    }
    return table.build(lambda: Muscle(**values))


# --------------------------------------------------------------------------- loading


def _read(file: Traversable) -> dict[str, Any]:
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise KnowledgeBaseError(str(error), field=file.name) from None


def _vocabulary(file: Traversable, key: str, make: Callable[[Table], R]) -> dict[str, R]:
    data = _read(file)
    top = Table(file.name, "", data)
    items: dict[str, R] = {}
    for raw in top.tables(key, required=True):
        record_id = raw.data.get("id")
        if isinstance(record_id, str):
            raw.path = record_id
        record = make(raw)
        record_key = str(getattr(record, "id"))  # noqa: B009  (records of several types)
        if record_key in items:
            raise raw.error("id", f"{key} id used twice", record_key)
        items[record_key] = record
    top.build(lambda: None)
    return items


def _sources(directory: Traversable) -> dict[str, Source]:
    """``sources.toml`` plus any topical ``sources_<topic>.toml`` beside it."""
    sources = _vocabulary(_file(directory, "sources.toml"), "source", _source)
    topical = sorted(
        (f for f in _package_data().iterdir() if f.name.startswith("sources_")),
        key=lambda f: f.name,
    )
    for file in topical:
        for source_id, source in _vocabulary(file, "source", _source).items():
            if source_id in sources:
                raise KnowledgeBaseError(
                    "source id used twice", field=f"{file.name}: {source_id}", value=source_id
                )
            sources[source_id] = source
    return sources


def _source(t: Table) -> Source:
    values = (t.text("id"), t.text("label"), t.text("citation"))
    ours = t.get("ours")
    if ours is not None and not isinstance(ours, bool):
        raise t.error("ours", "must be true or false", ours)
    return t.build(lambda: Source(*values, ours=bool(ours)))


def _described(cls: type[R]) -> Callable[[Table], R]:
    def make(t: Table) -> R:
        values = (t.text("id"), t.text("label"), t.text("description"))
        ref = _source_ref(t.table("source"))
        return t.build(lambda: cls(*values, ref))  # type: ignore[call-arg]

    return make


def _atlas_areas() -> dict[str, tuple[str, ...]]:
    """Area id -> its region ids, from the body atlas."""
    result: dict[str, tuple[str, ...]] = {}
    for item in atlas.areas():
        area_id = str(getattr(item, "id", item))
        result[area_id] = tuple(atlas.region_ids_for_area(area_id))
    return result


def _package_data() -> Traversable:
    return resources.files("myomap_core.knowledge").joinpath("data")


def _file(directory: Traversable, name: str) -> Traversable:
    candidate = directory.joinpath(name)
    return candidate if candidate.is_file() else _package_data().joinpath(name)


def load_knowledge_base(data_dir: str | PathLike[str] | None = None) -> KnowledgeBase:
    """The knowledge base, validated and indexed.

    Without ``data_dir`` the package's own data is loaded once and cached. With it,
    the muscle files come from that folder; vocabularies missing there are taken from
    the package.
    """
    if data_dir is None:
        return _load_package()
    return _load(Path(data_dir))


@functools.cache
def _load_package() -> KnowledgeBase:
    return _load(_package_data())


def _load(directory: Traversable) -> KnowledgeBase:
    sources = _sources(directory)
    chains = _vocabulary(_file(directory, "chains.toml"), "chain", _described(Chain))
    conditions = _vocabulary(
        _file(directory, "conditions.toml"), "condition", _described(Condition)
    )
    for vocabulary_file, records in (("chains.toml", chains), ("conditions.toml", conditions)):
        for record in records.values():
            ref = record.source.ref
            if ref not in sources:
                raise KnowledgeBaseError(
                    f"unknown source {ref!r}",
                    field=f"{vocabulary_file}: {record.id}.source.ref",
                    value=ref,
                    suggestions=closest(ref, sources),
                )

    muscle_files = sorted(
        (f for f in directory.iterdir() if f.is_file() and _is_muscle_file(f.name)),
        key=lambda f: f.name,
    )
    parsed: list[tuple[str, Muscle]] = []
    for file in muscle_files:
        top = Table(file.name, "", _read(file))
        for raw in top.tables("muscle"):
            if isinstance(raw.data.get("id"), str):
                raw.path = str(raw.data["id"])
            parsed.append((file.name, _muscle(raw)))
        top.build(lambda: None)

    areas = _atlas_areas()
    checker = _Checker(sources, chains, conditions, areas, parsed)
    checker.check()
    muscles = tuple(m for _, m in parsed)

    index: dict[str, list[ReferralEntry]] = {}
    for muscle in muscles:
        for point in muscle.trigger_points:
            for zone in point.zones:
                index.setdefault(zone.area, []).append(
                    ReferralEntry(muscle.id, point.id, zone.kind, zone.side)
                )
    return KnowledgeBase(
        muscles=muscles,
        sources=sources,
        chains=chains,
        conditions=conditions,
        areas=areas,
        referral_index={area: tuple(entries) for area, entries in index.items()},
        _by_id={m.id: m for m in muscles},
        _by_name=checker.names,
        _by_alias={
            alias: tuple(ids)
            for alias, ids in checker.aliases.items()
            if alias not in checker.names
        },
    )


def _is_muscle_file(name: str) -> bool:
    return name.startswith("muscles_") and name.endswith(".toml")


class _Checker:
    """Cross-checks the parsed muscles against each other, the vocabularies and the atlas."""

    def __init__(
        self,
        sources: Mapping[str, Source],
        chains: Mapping[str, Chain],
        conditions: Mapping[str, Condition],
        areas: Mapping[str, tuple[str, ...]],
        parsed: list[tuple[str, Muscle]],
    ) -> None:
        self.sources = sources
        self.chains = chains
        self.conditions = conditions
        self.areas = areas
        self.parsed = parsed
        self.names: dict[str, str] = {}
        self.aliases: dict[str, list[str]] = {}

    def check(self) -> None:
        files: dict[str, str] = {}
        for file, muscle in self.parsed:
            if muscle.id in files:
                raise KnowledgeBaseError(
                    f"muscle id already defined in {files[muscle.id]}",
                    field=f"{file}: {muscle.id}.id",
                    value=muscle.id,
                )
            files[muscle.id] = file
        for file, muscle in self.parsed:
            self._check_muscle(file, muscle, files)

    def _fail(self, where: str, what: str, value: str, choices: Iterable[str]) -> None:
        raise KnowledgeBaseError(
            f"unknown {what} {value!r}",
            field=where,
            value=value,
            suggestions=closest(value, choices),
        )

    def _check_muscle(self, file: str, muscle: Muscle, files: Mapping[str, str]) -> None:
        at = f"{file}: {muscle.id}"
        for field_name, key in (("id", muscle.id), ("name", muscle.name)):
            name = _name_key(key)
            owner = self.names.setdefault(name, muscle.id)
            if owner != muscle.id:
                raise KnowledgeBaseError(
                    f"{key!r} already names muscle {owner!r}", field=f"{at}.{field_name}", value=key
                )
        for alias in muscle.aliases:
            # An alias may be shared (e.g. a group name); find_muscle then lists them all.
            self.aliases.setdefault(_name_key(alias), []).append(muscle.id)
        for key in ("synergists", "antagonists", "satellites"):
            for i, other in enumerate(getattr(muscle, key)):
                if other not in files:
                    self._fail(f"{at}.{key}[{i}]", "muscle", other, files)
        for i, chain in enumerate(muscle.chains):
            if chain not in self.chains:
                self._fail(f"{at}.chains[{i}]", "chain", chain, self.chains)
        for key in ("conditions", "mimics"):
            for i, condition in enumerate(getattr(muscle, key)):
                if condition not in self.conditions:
                    self._fail(f"{at}.{key}[{i}]", "condition", condition, self.conditions)
        for i, ref in enumerate(muscle.sources):
            if ref.ref not in self.sources:
                self._fail(f"{at}.sources[{i}].ref", "source", ref.ref, self.sources)
        for i, point in enumerate(muscle.trigger_points):
            here = f"{at}.trigger_points[{i}]"
            if point.source.ref not in self.sources:
                self._fail(f"{here}.source.ref", "source", point.source.ref, self.sources)
            if point.area not in self.areas:
                self._fail(f"{here}.area", "area", point.area, self.areas)
            for key, zones in (("essential", point.essential), ("spillover", point.spillover)):
                seen: set[str] = set()
                for j, zone in enumerate(zones):
                    if zone.area not in self.areas:
                        self._fail(f"{here}.{key}[{j}].area", "area", zone.area, self.areas)
                    if zone.area in seen:
                        raise KnowledgeBaseError(
                            "area listed twice (use side = 'bilateral' for both sides)",
                            field=f"{here}.{key}[{j}].area",
                            value=zone.area,
                        )
                    seen.add(zone.area)
