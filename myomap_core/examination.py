"""The examination catalogue: movement, strength, muscle length, neural tension, special tests.

The tests are data (``knowledge/data/examination.toml``), checked once against the
knowledge base. ``check_result`` refuses out-of-range results naming the field;
``ExamTest.abnormal`` says whether a result counts as evidence for the element of pain
the test supports.
"""

from __future__ import annotations

import difflib
import functools
import math
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Any, Final

from myomap_core.errors import DomainError, KnowledgeBaseError

ELEMENT_IDS: Final = (
    "ischemia",
    "trigger_points",
    "nerve_compression",
    "postural_distortion",
    "biomechanical_dysfunction",
)
"""The five elements of pain (the values of ``myomap_core.elements.Element``)."""


class Category(StrEnum):
    """Kinds of examination test, in the order a therapist usually runs them."""

    RANGE_OF_MOTION = "range_of_motion"
    STRENGTH = "strength"
    MUSCLE_LENGTH = "muscle_length"
    NEURAL_TENSION = "neural_tension"
    SPECIAL = "special"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ResultType(StrEnum):
    """What the therapist records for a test."""

    DEGREES = "degrees"
    GRADE_0_5 = "grade_0_5"
    POSITIVE_NEGATIVE = "positive_negative"
    DEGREES_AND_POSITIVE = "degrees_and_positive"

    @property
    def takes_value(self) -> bool:
        return self in (ResultType.DEGREES, ResultType.GRADE_0_5, ResultType.DEGREES_AND_POSITIVE)

    @property
    def takes_positive(self) -> bool:
        return self in (ResultType.POSITIVE_NEGATIVE, ResultType.DEGREES_AND_POSITIVE)


@dataclass(frozen=True, slots=True)
class ExamTest:
    """One examination test with its normal value, allowed range and what it implicates.

    ``abnormal_below``/``abnormal_above``: the limits past which a value counts as
    abnormal, with ``limit_source`` ("ours" where the limit is our choice).
    ``muscle_side``: "same" or "opposite" (side bending is limited by the other side).
    """

    id: str
    label: str
    category: str
    result_type: str
    normal: str | None
    normal_value: float | None
    minimum: float | None
    maximum: float | None
    sided: bool
    muscles: tuple[str, ...]
    element: str
    how: str
    source: str
    abnormal_below: float | None = None
    abnormal_above: float | None = None
    limit_source: str | None = None
    muscle_side: str = "same"
    weight: int = 1
    positive_means: str = ""

    def __post_init__(self) -> None:
        if not self.id or not self.id.replace("_", "").isalnum() or not self.id.islower():
            raise DomainError("must be a lower-case id", field="id", value=self.id)
        for name in ("label", "how", "source"):
            if not str(getattr(self, name)).strip():
                raise DomainError("must be non-empty text", field=name, value=getattr(self, name))
        Category(self.category)
        result = ResultType(self.result_type)
        if self.element not in ELEMENT_IDS:
            raise DomainError(
                "unknown element of pain",
                field="element",
                value=self.element,
                suggestions=difflib.get_close_matches(self.element, ELEMENT_IDS, n=3, cutoff=0),
            )
        if result.takes_value and (self.minimum is None or self.maximum is None):
            raise DomainError("needs minimum and maximum", field="minimum", value=self.minimum)
        if (
            self.minimum is not None
            and self.maximum is not None
            and not self.minimum < self.maximum
        ):
            raise DomainError("must be below maximum", field="minimum", value=self.minimum)
        if (self.abnormal_below is not None or self.abnormal_above is not None) and (
            self.limit_source is None
        ):
            raise DomainError(
                "an abnormal limit needs its source", field="limit_source", value=None
            )
        if self.muscle_side not in ("same", "opposite"):
            raise DomainError(
                "must be same or opposite", field="muscle_side", value=self.muscle_side
            )
        if self.weight not in (1, 2):
            raise DomainError("must be 1 or 2", field="weight", value=self.weight)

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    def abnormal(self, value: float | None, positive: bool | None) -> bool | None:
        """Whether this result is abnormal; None when the result says nothing either way.

        A positive test is abnormal; a value past ``abnormal_below``/``abnormal_above``
        is abnormal (for strength: any grade below 5).
        """
        flags: list[bool] = []
        result = ResultType(self.result_type)
        if result.takes_positive and positive is not None:
            flags.append(bool(positive))
        limited = self.abnormal_below is not None or self.abnormal_above is not None
        if result.takes_value and value is not None and limited:
            flags.append(
                (self.abnormal_below is not None and value < self.abnormal_below)
                or (self.abnormal_above is not None and value > self.abnormal_above)
            )
        if not flags:
            return None
        return any(flags)


def _catalogue_file() -> Any:
    return resources.files("myomap_core.knowledge").joinpath("data", "examination.toml")


@functools.cache
def _catalogue() -> dict[str, ExamTest]:
    from myomap_core.knowledge import load_knowledge_base

    kb = load_knowledge_base()
    muscle_ids = {m.id for m in kb.muscles}
    with _catalogue_file().open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    tests: dict[str, ExamTest] = {}
    optional = (
        "normal",
        "normal_value",
        "minimum",
        "maximum",
        "abnormal_below",
        "abnormal_above",
        "limit_source",
    )
    required = ("id", "label", "category", "result_type", "sided", "element", "how", "source")
    for i, raw in enumerate(data.get("test", [])):
        where = f"examination.toml: {raw.get('id', f'test[{i}]')}"
        unknown = (
            set(raw)
            - set(optional)
            - set(required)
            - {
                "muscles",
                "muscle_side",
                "weight",
                "positive_means",
            }
        )
        if unknown:
            key = sorted(unknown)[0]
            raise KnowledgeBaseError("unknown key", field=f"{where}.{key}", value=key)
        for key in required:
            if key not in raw:
                raise KnowledgeBaseError("missing key", field=f"{where}.{key}")
        for j, muscle in enumerate(raw.get("muscles", [])):
            if muscle not in muscle_ids:
                raise KnowledgeBaseError(
                    f"unknown muscle {muscle!r}",
                    field=f"{where}.muscles[{j}]",
                    value=muscle,
                    suggestions=difflib.get_close_matches(muscle, sorted(muscle_ids), n=3),
                )
        for key in ("source", "limit_source"):
            if key in raw and raw[key] not in kb.sources:
                raise KnowledgeBaseError(
                    f"unknown source {raw[key]!r}", field=f"{where}.{key}", value=raw[key]
                )

        def number(key: str, raw: dict[str, Any] = raw) -> float | None:
            value = raw.get(key)
            return None if value is None else float(value)

        try:
            test = ExamTest(
                id=raw["id"],
                label=raw["label"],
                category=raw["category"],
                result_type=raw["result_type"],
                normal=raw.get("normal"),
                normal_value=number("normal_value"),
                minimum=number("minimum"),
                maximum=number("maximum"),
                sided=bool(raw["sided"]),
                muscles=tuple(raw.get("muscles", ())),
                element=raw["element"],
                how=raw["how"],
                source=raw["source"],
                abnormal_below=number("abnormal_below"),
                abnormal_above=number("abnormal_above"),
                limit_source=raw.get("limit_source"),
                muscle_side=raw.get("muscle_side", "same"),
                weight=int(raw.get("weight", 1)),
                positive_means=raw.get("positive_means", ""),
            )
        except DomainError as error:
            raise KnowledgeBaseError(
                error.message, field=f"{where}.{error.field}", value=error.value
            ) from None
        except ValueError as error:
            raise KnowledgeBaseError(str(error), field=where) from None
        if test.id in tests:
            raise KnowledgeBaseError("test id used twice", field=f"{where}.id", value=test.id)
        tests[test.id] = test
    return tests


def exam_tests(category: str | None = None) -> tuple[ExamTest, ...]:
    """Every test in catalogue order, or only those of one category."""
    tests = tuple(_catalogue().values())
    if category is None:
        return tests
    Category(category)
    return tuple(t for t in tests if t.category == category)


def exam_test(test_id: str) -> ExamTest:
    """The test with this id; ``DomainError`` naming the closest ids if unknown."""
    try:
        return _catalogue()[test_id]
    except KeyError:
        raise DomainError(
            f"unknown test {test_id!r}",
            field="test_id",
            value=test_id,
            suggestions=difflib.get_close_matches(
                str(test_id), list(_catalogue()), n=3, cutoff=0.0
            ),
        ) from None


def check_result(test_id: str, value: float | None, positive: bool | None) -> None:
    """Refuse a result the test cannot have; ``DomainError`` names ``value`` or ``positive``.

    Degrees and grades must lie within the test's range (grades are whole numbers);
    positive/negative tests need ``positive``; a straight leg raise needs ``positive``
    and may carry the angle.
    """
    test = exam_test(test_id)
    result = ResultType(test.result_type)
    if result.takes_value and value is not None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise DomainError("must be a number", field="value", value=value)
        assert test.minimum is not None and test.maximum is not None
        if not test.minimum <= value <= test.maximum:
            unit = "" if result is ResultType.GRADE_0_5 else "°"
            raise DomainError(
                f"must be between {test.minimum:g}{unit} and {test.maximum:g}{unit} "
                f"for {test.label}",
                field="value",
                value=value,
            )
        if result is ResultType.GRADE_0_5 and value != int(value):
            raise DomainError("must be a whole grade from 0 to 5", field="value", value=value)
    if result in (ResultType.DEGREES, ResultType.GRADE_0_5) and value is None:
        raise DomainError(f"{test.label} needs a value", field="value", value=None)
    if result.takes_value is False and value is not None:
        raise DomainError(
            f"{test.label} is recorded as positive or negative, not a number",
            field="value",
            value=value,
        )
    if result.takes_positive:
        if positive is None:
            raise DomainError(
                f"{test.label} needs positive or negative", field="positive", value=None
            )
        if not isinstance(positive, bool):
            raise DomainError("must be true or false", field="positive", value=positive)
