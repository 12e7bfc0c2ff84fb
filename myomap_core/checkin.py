"""The visit check-in: pain now, response to the last treatment, what changed, and the
per-visit safety questions (``knowledge/data/checkin.toml``).

``parse_checkin`` turns submitted answers into a ``CheckIn`` or raises ``DomainError`` naming
the field; ``merge_into`` folds the yes answers into the client's health-check answers so the
screening can run again. A "no" never erases an earlier "yes".
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Final, TypeVar

from myomap_core.errors import DomainError, KnowledgeBaseError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.table import Table, closest
from myomap_core.screening import SEXES, AnswerType
from myomap_core.screening import questions as screening_questions

E = TypeVar("E", bound=StrEnum)

DATA_FILE: Final = "checkin.toml"
MAX_CHANGES: Final = 2000
"""Longest "what changed" text accepted, in characters."""
NPRS_MAX: Final = 10
YES: Final = "yes"
NO: Final = "no"
FIELDS: Final = ("pain_now", "response", "soreness", "changes", "safety", "none_of_these")


class Response(StrEnum):
    """How the client responded to the last treatment."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"

    @property
    def label(self) -> str:
        return {"better": "Better", "same": "The same", "worse": "Worse"}[self.value]


class Soreness(StrEnum):
    """Soreness after the last treatment, and how long it lasted."""

    NONE = "none"
    UP_TO_A_DAY = "up_to_a_day"
    TWO_TO_THREE_DAYS = "two_to_three_days"
    LONGER = "longer"

    @property
    def label(self) -> str:
        return {
            "none": "No soreness",
            "up_to_a_day": "Sore up to a day",
            "two_to_three_days": "Sore 2–3 days",
            "longer": "Sore more than 3 days",
        }[self.value]

    @property
    def words(self) -> str:
        """As part of a sentence: "no soreness after the last treatment"."""
        return {
            "none": "no soreness after the last treatment",
            "up_to_a_day": "soreness after the last treatment that lasted up to a day",
            "two_to_three_days": "soreness after the last treatment that lasted 2–3 days",
            "longer": "soreness after the last treatment that lasted more than 3 days",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Question:
    """One per-visit safety question and the screening questions a yes answers."""

    id: str
    text: str
    short: str
    asks: tuple[str, ...]
    source: str
    applies_to_sex: str | None = None

    def __post_init__(self) -> None:
        for name in ("id", "text", "short", "source"):
            if not getattr(self, name).strip():
                raise DomainError("must not be empty", field=name, value=getattr(self, name))
        if not self.asks:
            raise DomainError("name at least one screening question", field="asks")
        if self.applies_to_sex is not None and self.applies_to_sex not in SEXES:
            raise DomainError("unknown sex", field="applies_to_sex", value=self.applies_to_sex)

    def asked_of(self, sex: str | None) -> bool:
        """Asked of a client of ``sex``; an unknown sex is asked everything (fail closed)."""
        return self.applies_to_sex is None or sex is None or sex == self.applies_to_sex


def load_checkin(text: str | None = None) -> tuple[Question, ...]:
    """The questions of ``checkin.toml`` (or ``text``), checked against the screening's
    question ids and the source index. Raises ``KnowledgeBaseError`` naming the entry."""
    if text is None:
        text = (
            resources.files("myomap_core.knowledge")
            .joinpath("data", DATA_FILE)
            .read_text(encoding="utf-8")
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise KnowledgeBaseError(str(error), field=DATA_FILE) from None
    rows = data.get("question")
    if set(data) != {"question"} or not isinstance(rows, list):
        raise KnowledgeBaseError("only [[question]] tables", field=DATA_FILE)
    known = {q.id: q for q in screening_questions()}
    sources = load_knowledge_base().sources
    out: list[Question] = []
    for i, row in enumerate(rows):
        t = Table(DATA_FILE, f"question[{i}]", row)
        try:
            q = Question(
                id=t.text("id"),
                text=t.text("text"),
                short=t.text("short"),
                asks=t.texts("asks"),
                source=t.text("source"),
                applies_to_sex=t.optional_text("applies_to_sex"),
            )
        except DomainError as exc:
            raise t.error(exc.field, exc.message, exc.value) from None
        extra = sorted(set(t.data) - t.used)
        if extra:
            raise t.error(extra[0], "unknown key")
        for asked in q.asks:
            if asked not in known:
                raise t.error("asks", "unknown screening question", asked, closest(asked, known))
            if known[asked].type != AnswerType.BOOLEAN:
                raise t.error("asks", "must name a yes/no screening question", asked)
        if q.source not in sources:
            raise t.error("source", "unknown source", q.source, closest(q.source, sources))
        if any(q.id == other.id for other in out):
            raise t.error("id", "used twice", q.id)
        out.append(q)
    return tuple(out)


@functools.cache
def questions() -> tuple[Question, ...]:
    """The per-visit safety questions, in the order asked."""
    return load_checkin()


def questions_for(sex: str | None) -> tuple[Question, ...]:
    return tuple(q for q in questions() if q.asked_of(sex))


@dataclass(frozen=True, slots=True)
class CheckIn:
    """One visit's check-in, validated."""

    pain_now: int
    response: Response | None
    soreness: Soreness | None
    changes: str
    safety: Mapping[str, bool]
    """Every asked question id -> True for yes, False for no."""

    def __post_init__(self) -> None:
        if (
            isinstance(self.pain_now, bool)
            or not isinstance(self.pain_now, int)
            or not 0 <= self.pain_now <= NPRS_MAX
        ):
            raise DomainError("must be a whole number from 0 to 10", field="pain_now",
                              value=self.pain_now)  # fmt: skip
        if len(self.changes) > MAX_CHANGES:
            raise DomainError(f"at most {MAX_CHANGES} characters", field="changes",
                              value=len(self.changes))  # fmt: skip

    @property
    def yes(self) -> tuple[Question, ...]:
        """The questions answered yes, in the order asked."""
        return tuple(q for q in questions() if self.safety.get(q.id) is True)


def _choice(enum: type[E], name: str, value: object) -> E | None:
    if value in (None, ""):
        return None
    try:
        return enum(str(value))
    except ValueError:
        options = [e.value for e in enum]
        raise DomainError(
            f"one of {', '.join(options)}", field=name, value=value,
            suggestions=closest(str(value), options),
        ) from None  # fmt: skip


def _pain(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= NPRS_MAX:
        raise DomainError("pain now must be a whole number from 0 to 10", field="pain_now",
                          value=value)  # fmt: skip
    return value


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true", "yes"))


def parse_checkin(
    data: Mapping[str, object], *, sex: str | None, first_visit: bool = False
) -> CheckIn:
    """A ``CheckIn`` from submitted answers, or ``DomainError`` naming the field.

    ``safety`` maps question ids to "yes" or "no"; every question asked of a client of
    ``sex`` needs an answer. ``none_of_these`` answers every unanswered question no, and
    contradicts a yes. ``response`` and ``soreness`` describe the last treatment, so they
    are refused on the first visit and required on later ones.
    """
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise DomainError("unknown field", field=unknown[0], suggestions=closest(unknown[0],
                          FIELDS))  # fmt: skip
    pain = _pain(data.get("pain_now"))
    response = _choice(Response, "response", data.get("response"))
    soreness = _choice(Soreness, "soreness", data.get("soreness"))
    if first_visit:
        for name, value in (("response", response), ("soreness", soreness)):
            if value is not None:
                raise DomainError("this is the first visit: there is no last treatment",
                                  field=name, value=value.value)  # fmt: skip
    else:
        if response is None:
            raise DomainError("say how the client responded to the last treatment: better, "
                              "same or worse", field="response")  # fmt: skip
        if soreness is None:
            raise DomainError("say whether the last treatment left soreness, and how long",
                              field="soreness")  # fmt: skip
    changes = data.get("changes") or ""
    if not isinstance(changes, str):
        raise DomainError("must be text", field="changes", value=changes)
    raw = data.get("safety") or {}
    if not isinstance(raw, Mapping):
        raise DomainError("must map question ids to yes or no", field="safety")
    asked = {q.id: q for q in questions_for(sex)}
    every = {q.id for q in questions()}
    safety: dict[str, bool] = {}
    for key, value in raw.items():
        field = f"safety.{key}"
        if key not in asked:
            why = "not asked of this client" if key in every else "unknown question"
            raise DomainError(why, field=field, suggestions=closest(str(key), asked))
        if value in (None, ""):
            continue
        if value not in (YES, NO):
            raise DomainError("answer yes or no", field=field, value=value)
        safety[key] = value == YES
    if _truthy(data.get("none_of_these")):
        said_yes = [k for k, v in safety.items() if v]
        if said_yes:
            raise DomainError(
                "“none of these” contradicts this yes", field=f"safety.{said_yes[0]}",
                value=YES,
            )  # fmt: skip
        safety = dict.fromkeys(asked, False)
    missing = [q for q in asked if q not in safety]
    if missing:
        raise DomainError("answer yes or no (or “none of these”)", field=f"safety.{missing[0]}")
    ordered = {q: safety[q] for q in asked}
    return CheckIn(pain_now=pain, response=response, soreness=soreness,
                   changes=changes.strip(), safety=ordered)  # fmt: skip


def merge_into(
    answers: Mapping[str, str], checkin: CheckIn
) -> tuple[dict[str, str], tuple[str, ...]]:
    """The health-check ``answers`` with every screening question a yes answers set to yes,
    and the ids that changed. A "no" never erases anything."""
    merged = dict(answers)
    changed: list[str] = []
    for q in checkin.yes:
        for asked in q.asks:
            if merged.get(asked) != YES:
                merged[asked] = YES
                changed.append(asked)
    return merged, tuple(changed)
