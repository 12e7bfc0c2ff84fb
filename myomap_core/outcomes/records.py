"""Records shared by every outcome instrument: the questionnaire, its items and a score.

Item wording is data (``myomap_core/knowledge/data/instruments_<id>.toml``); scoring rules,
codes and important changes are code, one module per instrument.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction
from importlib import resources
from types import MappingProxyType

from myomap_core.codes import Coding
from myomap_core.errors import DomainError, KnowledgeBaseError


class InstrumentId(StrEnum):
    """The outcome instruments Myomap scores."""

    NPRS = "nprs"
    ODI = "odi"
    RMDQ = "rmdq"
    STARTBACK = "startback"
    PSFS = "psfs"


class Direction(StrEnum):
    """Which way a score moves when the client gets better."""

    LOWER_IS_BETTER = "lower_is_better"
    HIGHER_IS_BETTER = "higher_is_better"


class ItemKind(StrEnum):
    """How an item is answered (compares equal to its plain text value)."""

    CHOICE = "choice"  # one of the options
    TICK = "tick"  # ticked or left blank
    RATING = "rating"  # a whole number on a scale (NPRS)
    ACTIVITY = "activity"  # an activity in the client's words, rated 0-10 (PSFS)


class OutcomeInputError(DomainError):
    """An answer the instrument cannot accept; names the item and the allowed values."""


class IncompleteError(DomainError):
    """Too many items left out to score the instrument."""


def _text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DomainError("must be non-empty text", field=name, value=value)


def _ident(name: str, value: object) -> None:
    _text(name, value)
    assert isinstance(value, str)
    if not value.replace("_", "").isalnum() or not value.islower():
        raise DomainError(
            "must be lower-case letters, digits and underscores", field=name, value=value
        )


@dataclass(frozen=True, slots=True)
class Option:
    """One answer choice: the value it scores and the text the client reads."""

    value: int
    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, int) or isinstance(self.value, bool):
            raise DomainError("must be a whole number", field="value", value=self.value)
        _text("text", self.text)


@dataclass(frozen=True, slots=True)
class Item:
    """One question or statement, as the client reads it."""

    id: str
    text: str
    options: tuple[Option, ...]
    kind: str
    section: str
    scale: tuple[int, int] | None = None
    """Lowest and highest whole number for rating and activity items."""
    anchors: tuple[str, str] | None = None
    """What the two ends of a rating scale mean."""
    code: Coding | None = None
    """The item's own LOINC code, where it has one (STarT Back)."""

    def __post_init__(self) -> None:
        _ident("id", self.id)
        _text("text", self.text)
        _ident("section", self.section)
        try:
            ItemKind(self.kind)
        except ValueError:
            kinds = ", ".join(k.value for k in ItemKind)
            raise DomainError(f"must be one of {kinds}", field="kind", value=self.kind) from None
        if self.kind == ItemKind.CHOICE and len(self.options) < 2:
            raise DomainError("a choice needs two options or more", field="options")
        if self.kind != ItemKind.CHOICE and self.options:
            raise DomainError(f"a {self.kind} item has no options", field="options")
        values = [o.value for o in self.options]
        if values != list(range(len(values))):
            raise DomainError("option values must run 0, 1, 2, ...", field="options")
        if (self.scale is None) != (self.kind in (ItemKind.CHOICE, ItemKind.TICK)):
            raise DomainError("rating and activity items need a scale", field="scale")
        if self.scale is not None and self.scale[0] >= self.scale[1]:
            raise DomainError("must be (low, high) with low < high", field="scale")

    def option(self, value: int) -> Option:
        """The option worth ``value``."""
        return self.options[value]


@dataclass(frozen=True, slots=True)
class Instrument:
    """A questionnaire with its scoring range, direction, code, important change and source."""

    id: InstrumentId
    name: str
    short_name: str
    instructions: str
    items: tuple[Item, ...]
    minimum: float
    maximum: float
    unit: str
    direction: Direction
    loinc: Coding | None
    mcid_points: float | None
    mcid_percent: float | None
    source: str
    code: Coding | None = None
    """The code for the score: the LOINC code, or a Myomap local code where none exists."""
    panel: Coding | None = None
    """The LOINC panel for the whole questionnaire, where there is one."""
    codes: Mapping[str, Coding] = field(default_factory=lambda: MappingProxyType({}))
    """Further codes by name: subscale, total, risk and its answers (STarT Back)."""
    mcid_sources: tuple[str, ...] = ()
    """Sources of the important-change values."""

    def __post_init__(self) -> None:
        for name in ("name", "short_name", "instructions", "unit"):
            _text(name, getattr(self, name))
        _ident("source", self.source)
        if not self.items:
            raise DomainError("needs at least one item", field="items")
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise DomainError("an item id is used twice", field="items", value=ids)
        if self.minimum >= self.maximum:
            raise DomainError("must be below maximum", field="minimum", value=self.minimum)
        if self.code is None:
            object.__setattr__(self, "code", self.loinc)
        if not isinstance(self.codes, MappingProxyType):
            object.__setattr__(self, "codes", MappingProxyType(dict(self.codes)))

    def item(self, item_id: str) -> Item:
        """The item with this id; ``OutcomeInputError`` naming the closest ids if unknown."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise OutcomeInputError(
            f"{self.short_name} has no item {item_id!r}",
            field=item_id,
            value=item_id,
            suggestions=[i.id for i in self.items][:5],
        )

    @property
    def sections(self) -> tuple[str, ...]:
        """Section ids in form order (one screen each)."""
        return tuple(dict.fromkeys(i.section for i in self.items))


@dataclass(frozen=True, slots=True)
class Score:
    """A scored questionnaire: exact value, how it is shown, band, what was answered."""

    instrument: InstrumentId
    value: float
    display: str
    band: str | None
    band_label: str | None
    answered: int
    skipped: tuple[str, ...]
    subscores: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "instrument", InstrumentId(self.instrument))
        _text("display", self.display)
        if self.answered < 0:
            raise DomainError("must not be negative", field="answered", value=self.answered)
        if not isinstance(self.subscores, MappingProxyType):
            object.__setattr__(self, "subscores", MappingProxyType(dict(self.subscores)))

    def as_json(self) -> dict[str, object]:
        """The shape ``myomap score --json`` prints (values rounded to two decimals)."""
        data: dict[str, object] = {
            "instrument": self.instrument.value,
            "score": json_number(self.value),
            "display": self.display,
            "band": self.band,
            "band_label": self.band_label,
            "answered": self.answered,
            "skipped": list(self.skipped),
            "subscores": {k: json_number(v) for k, v in self.subscores.items()},
        }
        if self.instrument == InstrumentId.STARTBACK:
            data["total"] = json_number(self.value)
            data["distress"] = json_number(self.subscores["distress"])
            data["risk"] = self.band
        return data


# --------------------------------------------------------------------------- numbers


def exact(value: float | int | Fraction | Decimal) -> Fraction:
    """A number as an exact fraction; a float is read as the decimal it prints as."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


def half_up(value: float | int | Fraction, places: int) -> Decimal:
    """``value`` rounded half-up (away from zero on a tie) to ``places`` decimals."""
    fraction = exact(value)
    with localcontext() as context:
        context.prec = 60
        quotient = Decimal(fraction.numerator) / Decimal(fraction.denominator)
        return quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def json_number(value: float | Fraction) -> int | float:
    """A whole number as an int, otherwise rounded half-up to two decimals."""
    rounded = half_up(value, 2)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def plain(value: float | Fraction, places: int = 1) -> str:
    """A number for reading: half-up to ``places`` decimals, without a trailing ``.0``."""
    text = str(half_up(value, places))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


# --------------------------------------------------------------------------- answers


SKIPPED_TEXT = frozenset({"", "-"})


def whole_answer(
    item: Item, value: object, low: int, high: int, *, where: str | None = None
) -> int | None:
    """An answer as a whole number in ``low..high``; None when it was skipped.

    Accepts ints, whole floats and digit strings; ``None``, ``""`` and ``"-"`` mean skipped.
    Anything else raises ``OutcomeInputError`` naming the item and the allowed values.
    """
    if value is None or (isinstance(value, str) and value.strip() in SKIPPED_TEXT):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = int(value) if item.kind == ItemKind.CHOICE and high == 1 else None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        number = int(value.strip())
    if number is None or not low <= number <= high:
        raise OutcomeInputError(
            f"must be a whole number from {low} to {high}{allowed_meaning(item)}, not {value!r}",
            field=where or item.id,
            value=value,
        )
    return number


def allowed_meaning(item: Item) -> str:
    """What the allowed values mean, for error messages: ' (0 = Disagree, 1 = Agree)'."""
    if item.options and len(item.options) <= 5:
        return " (" + ", ".join(f"{o.value} = {o.text}" for o in item.options) + ")"
    if item.anchors:
        return f" ({item.anchors[0]}, {item.anchors[1]})"
    return ""


def check_keys(instrument: Instrument, answers: Mapping[str, object]) -> None:
    """Refuse answers to items the instrument does not have."""
    if not isinstance(answers, Mapping):
        raise OutcomeInputError(
            "must be a mapping of item id to answer", field="answers", value=answers
        )
    for key in answers:
        instrument.item(str(key))


# --------------------------------------------------------------------------- wording


def load_wording(
    instrument_id: InstrumentId, codes: Mapping[str, Coding] | None = None
) -> tuple[str, str, str, tuple[Item, ...]]:
    """Name, short name, instructions and items from ``instruments_<id>.toml``.

    ``codes`` gives item codes by item id. Errors name the file, the item and the key.
    """
    name = f"instruments_{instrument_id.value}.toml"
    file = resources.files("myomap_core.knowledge").joinpath("data", name)
    try:
        with file.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise KnowledgeBaseError(str(error), field=name) from None
    try:
        header = tuple(str(data[k]) for k in ("name", "short_name", "instructions"))
        raw_items = data["item"]
    except KeyError as error:
        raise KnowledgeBaseError("missing key", field=f"{name}: {error.args[0]}") from None
    items = tuple(
        _item(name, i, raw, (codes or {}).get(str(raw.get("id"))))
        for i, raw in enumerate(raw_items)
    )
    return header[0], header[1], header[2], items


RATING_SCALE = (0, 10)


def _item(file: str, index: int, raw: Mapping[str, object], code: Coding | None) -> Item:
    where = f"{file}: item[{index}]"
    known = {"id", "section", "kind", "text", "options", "anchors"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise KnowledgeBaseError("unknown key", field=f"{where}.{unknown[0]}", value=unknown[0])
    options = raw.get("options", [])
    anchors = raw.get("anchors")
    if not isinstance(options, Sequence) or not all(isinstance(o, str) for o in options):
        raise KnowledgeBaseError("must be a list of text", field=f"{where}.options")
    if anchors is not None and (
        not isinstance(anchors, Sequence)
        or len(anchors) != 2
        or not all(isinstance(a, str) for a in anchors)
    ):
        raise KnowledgeBaseError("must be [low end, high end]", field=f"{where}.anchors")
    kind = raw.get("kind")
    try:
        return Item(
            id=str(raw.get("id")),
            text=str(raw.get("text", "")),
            options=tuple(Option(v, str(t)) for v, t in enumerate(options)),
            kind=str(kind),
            section=str(raw.get("section")),
            scale=RATING_SCALE if kind in (ItemKind.RATING, ItemKind.ACTIVITY) else None,
            anchors=None if anchors is None else (str(anchors[0]), str(anchors[1])),
            code=code,
        )
    except DomainError as error:
        raise KnowledgeBaseError(
            error.message, field=f"{where}.{error.field}", value=error.value
        ) from None
