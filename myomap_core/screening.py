"""Safety screening: intake answers -> a decision, the findings behind it and precautions.

The questions and rules are data (``knowledge/data/screening.toml``, CLINICAL.md §7-8),
each rule with its source. ``screen()`` evaluates every rule with three-valued logic (a
missing answer is unknown, never "no"; see ``screening_logic``):

* a rule whose known answers make it true is a **finding**;
* a rule that would fire if some unanswered questions were answered yes is **possible**,
  and those questions are listed as **unknown**;
* the most urgent finding decides (``Decision`` is ordered, most urgent first) and every
  finding is shown, most urgent first;
* precautions merge over all findings: the lowest pressure cap wins; techniques, regions,
  positioning and notes are united.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Final, TypeVar

from myomap_core import atlas
from myomap_core.errors import DomainError, KnowledgeBaseError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.table import Table
from myomap_core.screening_logic import (
    Answer,
    Count,
    Expression,
    Literal,
    Name,
    bare_names,
    comparisons,
    parse,
)

DATA_FILE: Final = "screening.toml"
MAX_TEXT: Final = 500
"""Longest free-text answer accepted, in characters."""
MAX_AGE: Final = 120
SEXES: Final = ("female", "male", "other")
INPUT_KEYS: Final = ("age", "sex", "answers")
CONTEXT_NAMES: Final = ("age", "sex")
"""Names rules may read besides question ids."""

TECHNIQUES: Final[Mapping[str, str]] = {
    "ischemic_compression": "Ischaemic compression",
    "deep_pressure": "Deep pressure",
    "cross_fibre_friction": "Cross-fibre friction",
    "forceful_stretch": "Forceful or assisted stretching",
    "deep_abdominal_work": "Deep abdominal work",
    "direct_pressure_on_site": "Direct pressure on the named site",
}
"""Techniques a precaution can rule out, with their labels."""

R = TypeVar("R")


class Decision(StrEnum):
    """What to do before treatment; the order of members is the ranking, most urgent first."""

    EMERGENCY = "emergency"
    URGENT_REFERRAL = "urgent_referral"
    SAME_DAY_REFERRAL = "same_day_referral"
    REFER_BEFORE_TREATMENT = "refer_before_treatment"
    TREAT_WITH_PRECAUTIONS = "treat_with_precautions"
    TREAT = "treat"

    @property
    def urgency(self) -> int:
        """5 for an emergency down to 0 for treat."""
        return len(_ORDER) - 1 - _ORDER.index(self)

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def requires_clearance(self) -> bool:
        """No treatment until a clearance is recorded."""
        return self.urgency >= Decision.REFER_BEFORE_TREATMENT.urgency

    @property
    def instruction(self) -> str:
        """What to do now, in plain words."""
        return _INSTRUCTIONS[self]


_ORDER: Final = tuple(Decision)
_LABELS: Final = {
    Decision.EMERGENCY: "Emergency",
    Decision.URGENT_REFERRAL: "Urgent medical referral",
    Decision.SAME_DAY_REFERRAL: "Same-day medical assessment",
    Decision.REFER_BEFORE_TREATMENT: "Refer before treatment",
    Decision.TREAT_WITH_PRECAUTIONS: "Treat with precautions",
    Decision.TREAT: "Treat",
}
_INSTRUCTIONS: Final = {
    Decision.EMERGENCY: (
        "Do not treat. Send the client to hospital emergency care now (call an ambulance if "
        "they cannot travel safely) and tell the emergency team what you found."
    ),
    Decision.URGENT_REFERRAL: (
        "Do not treat. The client must see a doctor urgently, within days; record the "
        "doctor's clearance before any treatment."
    ),
    Decision.SAME_DAY_REFERRAL: (
        "Do not treat. The client needs a medical assessment today (same-day GP appointment "
        "or urgent care); treat only after clearance."
    ),
    Decision.REFER_BEFORE_TREATMENT: (
        "Do not start hands-on treatment yet. Ask the client's doctor to assess them and "
        "record the clearance first."
    ),
    Decision.TREAT_WITH_PRECAUTIONS: "Treatment may go ahead, following the precautions listed.",
    Decision.TREAT: (
        "No warning signs in the answers given; treat as planned. Check the unanswered "
        "questions, if any."
    ),
}


class AnswerType(StrEnum):
    BOOLEAN = "boolean"
    NUMBER = "number"
    TEXT = "text"


class RuleKind(StrEnum):
    """Red flags are CLINICAL.md §7; contraindications and precautions §8."""

    RED_FLAG = "red_flag"
    CONTRAINDICATION = "contraindication"
    PRECAUTION = "precaution"


_KIND_ORDER: Final = tuple(RuleKind)


def _ident(name: str, value: str) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise DomainError("must be a snake_case identifier", field=name, value=value)


def _text(name: str, value: str) -> None:
    if not value.strip():
        raise DomainError("must not be empty", field=name, value=value)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Question:
    """One screening question, in plain words, with what its answer must look like."""

    id: str
    text: str
    type: AnswerType
    pathology: str
    source: str
    group: str
    follow_up_of: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    help: str = ""
    applies_to_sex: str | None = None

    def __post_init__(self) -> None:
        _ident("id", self.id)
        _text("text", self.text)
        _ident("pathology", self.pathology)
        _ident("source", self.source)
        _text("group", self.group)
        if self.follow_up_of is not None:
            _ident("follow_up_of", self.follow_up_of)
            if self.follow_up_of == self.id:
                raise DomainError("a question cannot follow itself", field="follow_up_of")
        number_fields = (self.minimum, self.maximum, self.unit)
        if self.type is AnswerType.NUMBER:
            if self.minimum is None or self.maximum is None or not self.unit:
                raise DomainError(
                    "a number question needs minimum, maximum and unit", field="minimum"
                )
            if self.minimum >= self.maximum:
                raise DomainError("must be below maximum", field="minimum", value=self.minimum)
        elif any(v is not None for v in number_fields):
            raise DomainError(
                "only number questions have minimum, maximum and unit", field="minimum"
            )
        if self.applies_to_sex is not None and self.applies_to_sex not in SEXES:
            raise DomainError(
                "unknown sex", field="applies_to_sex", value=self.applies_to_sex, suggestions=SEXES
            )

    def check(self, value: object, where: str) -> Answer:
        """The answer as stored, or ``DomainError`` naming ``where`` if it does not fit."""
        if self.type is AnswerType.BOOLEAN:
            if not isinstance(value, bool):
                raise DomainError(
                    f"must be true or false, not {_shown(value)}", field=where, value=value
                )
            return value
        if self.type is AnswerType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise DomainError(
                    f"must be a number, not {_shown(value)}", field=where, value=value
                )
            if not math.isfinite(value):
                raise DomainError("must be a finite number", field=where, value=value)
            assert self.minimum is not None and self.maximum is not None
            if not self.minimum <= value <= self.maximum:
                raise DomainError(
                    f"{value:g} is out of range: {self.minimum:g} to {self.maximum:g} {self.unit}",
                    field=where,
                    value=value,
                )
            return value
        if not isinstance(value, str):
            raise DomainError(f"must be text, not {_shown(value)}", field=where, value=value)
        text = value.strip()
        if not text:
            raise DomainError("must not be empty (leave the answer out if unknown)", field=where)
        if len(text) > MAX_TEXT:
            raise DomainError(f"must be at most {MAX_TEXT} characters", field=where)
        return text


def _shown(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:40] + "...")
    if isinstance(value, int | float):
        return f"{value:g}"
    return (
        type(value).__name__
        if not isinstance(value, list | dict)
        else ("a list" if isinstance(value, list) else "an object")
    )


@dataclass(frozen=True, slots=True)
class RulePrecautions:
    """What one rule changes in the plan when it fires (before merging)."""

    techniques_not_allowed: tuple[str, ...] = ()
    max_pressure_kg: float | None = None
    regions_to_avoid: tuple[str, ...] = ()
    site_questions: tuple[str, ...] = ()
    positioning: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    clearance: bool = False

    def __post_init__(self) -> None:
        for i, technique in enumerate(self.techniques_not_allowed):
            if technique not in TECHNIQUES:
                raise DomainError(
                    f"unknown technique {technique!r}",
                    field=f"techniques_not_allowed[{i}]",
                    value=technique,
                    suggestions=difflib.get_close_matches(technique, list(TECHNIQUES), n=3),
                )
        if self.max_pressure_kg is not None and not 0 < self.max_pressure_kg <= 20:
            raise DomainError(
                "must be above 0 and at most 20 kg", field="max_pressure_kg",
                value=self.max_pressure_kg,
            )  # fmt: skip
        for i, text in enumerate(self.positioning):
            _text(f"positioning[{i}]", text)
        for i, text in enumerate(self.notes):
            _text(f"notes[{i}]", text)


@dataclass(frozen=True, slots=True)
class Rule:
    """One red flag, contraindication or precaution: when it fires and what it asks for."""

    id: str
    title: str
    pathology: str
    kind: RuleKind
    logic: Expression
    decision: Decision
    tier_ours: bool
    source: str
    action: str
    why: str
    ask_physician: str
    details: tuple[str, ...] = ()
    precautions: RulePrecautions = field(default_factory=RulePrecautions)

    def __post_init__(self) -> None:
        _ident("id", self.id)
        _ident("pathology", self.pathology)
        _ident("source", self.source)
        for name in ("title", "action", "why", "ask_physician"):
            _text(name, getattr(self, name))
        if self.decision is Decision.TREAT:
            raise DomainError("a rule must ask for more than 'treat'", field="decision")

    @property
    def questions(self) -> tuple[str, ...]:
        """Question ids the rule reads (logic, details, sites), each once."""
        names = (*self.logic.names, *self.details, *self.precautions.site_questions)
        return tuple(n for n in dict.fromkeys(names) if n not in CONTEXT_NAMES)


@dataclass(frozen=True, slots=True)
class ScreeningInput:
    """What screening reads: age in years, sex, and answers by question id."""

    age: int | None
    sex: str | None
    answers: Mapping[str, Answer]

    def __post_init__(self) -> None:
        if self.age is not None and not 0 <= self.age <= MAX_AGE:
            raise DomainError(f"must be 0 to {MAX_AGE}", field="age", value=self.age)
        if self.sex is not None and self.sex not in SEXES:
            raise DomainError("unknown sex", field="sex", value=self.sex, suggestions=SEXES)
        # Every answer must fit its question: a stray "no" string must never read as yes.
        known: dict[str, Answer] = {}
        for key, value in self.answers.items():
            if value is None:
                continue  # unknown
            try:
                q = question(key)
            except DomainError as error:
                raise DomainError(
                    error.message,
                    field=f"answers.{key}",
                    value=key,
                    suggestions=error.suggestions,
                ) from None
            known[key] = q.check(value, f"answers.{key}")
        object.__setattr__(self, "answers", known)

    def values(self) -> dict[str, Answer]:
        """The known values rules read: answers plus age and sex when given."""
        env: dict[str, Answer] = dict(self.answers)
        if self.age is not None:
            env["age"] = self.age
        if self.sex is not None:
            env["sex"] = self.sex
        return env


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that fired (or, in ``possible``, could fire), with what triggered it."""

    rule_id: str
    title: str
    pathology: str
    decision: Decision
    triggered_by: tuple[tuple[str, Answer], ...]
    action: str
    why: str
    ask_physician: str
    source: str
    kind: str
    tier_ours: bool = False
    """The decision level is Myomap's choice, not the source's ([ours])."""
    details: tuple[tuple[str, Answer], ...] = ()
    """Answers that describe the finding (which operation, when, where)."""


@dataclass(frozen=True, slots=True)
class Precautions:
    """Precautions merged from every finding."""

    techniques_not_allowed: tuple[str, ...] = ()
    max_pressure_kg: float | None = None
    regions_to_avoid: tuple[str, ...] = ()
    sites_to_avoid: tuple[str, ...] = ()
    positioning: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    needs_clearance: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.techniques_not_allowed
            or self.max_pressure_kg is not None
            or self.regions_to_avoid
            or self.sites_to_avoid
            or self.positioning
            or self.notes
            or self.needs_clearance
        )


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The decision, every finding, merged precautions and what is still unknown."""

    decision: Decision
    findings: tuple[Finding, ...]
    precautions: Precautions
    unknown: tuple[str, ...]
    possible: tuple[Finding, ...]
    age_needed: bool = False
    """Age was not given and a rule that is still undecided reads it."""

    @property
    def complete(self) -> bool:
        """Every rule could be decided from the answers given."""
        return not self.possible


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad entry of a screening input: the JSON path and what is wrong."""

    field: str
    message: str


class ScreeningInputError(DomainError):
    """A screening input with bad entries; ``problems`` names every one."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        text = "; ".join(f"{p.field}: {p.message}" for p in self.problems)
        super().__init__(text, field=first.field)
        self.args = (text,)

    def __str__(self) -> str:
        return str(self.args[0])


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class _Catalogue:
    questions: tuple[Question, ...]
    by_id: Mapping[str, Question]
    rules: tuple[Rule, ...]


class _Tier(StrEnum):
    """Whether a rule's tier comes from its source or is Myomap's own choice."""

    SOURCE = "source"
    OURS = "ours"


def _question(reader: Table) -> Question:
    kind = reader.choice("type", AnswerType)
    make = functools.partial(
        Question,
        id=reader.text("id"),
        text=reader.text("text"),
        type=kind,
        pathology=reader.text("pathology"),
        source=reader.text("source"),
        group=reader.text("group"),
        follow_up_of=reader.optional_text("follow_up_of"),
        minimum=reader.number("minimum"),
        maximum=reader.number("maximum"),
        unit=reader.optional_text("unit"),
        help=reader.text("help", ""),
        applies_to_sex=reader.optional_text("applies_to_sex"),
    )
    return reader.build(make)


def _rule_precautions(reader: Table) -> RulePrecautions:
    make = functools.partial(
        RulePrecautions,
        techniques_not_allowed=reader.texts("techniques_not_allowed"),
        max_pressure_kg=reader.number("max_pressure_kg"),
        regions_to_avoid=reader.texts("regions_to_avoid"),
        site_questions=reader.texts("site_questions"),
        positioning=reader.texts("positioning"),
        notes=reader.texts("notes"),
        clearance=reader.flag("clearance"),
    )
    return reader.build(make)


def _rule(reader: Table) -> Rule:
    logic_text = reader.text("logic")
    try:
        logic = parse(logic_text)
    except DomainError as error:
        raise reader.error("logic", error.message, logic_text) from None
    raw_precautions = reader.get("precautions")
    precautions = (
        RulePrecautions()
        if raw_precautions is None
        else _rule_precautions(Table(DATA_FILE, f"{reader.path}.precautions", raw_precautions))
    )
    make = functools.partial(
        Rule,
        id=reader.text("id"),
        title=reader.text("title"),
        pathology=reader.text("pathology"),
        kind=reader.choice("kind", RuleKind),
        logic=logic,
        decision=reader.choice("decision", Decision),
        tier_ours=reader.choice("tier", _Tier) == _Tier.OURS,
        source=reader.text("source"),
        action=reader.text("action"),
        why=reader.text("why"),
        ask_physician=reader.text("ask_physician"),
        details=reader.texts("details"),
        precautions=precautions,
    )
    return reader.build(make)


def _tables(data: Mapping[str, object], key: str) -> list[Table]:
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        raise KnowledgeBaseError("must be a non-empty list of tables", field=f"{DATA_FILE}: {key}")
    readers = []
    for i, item in enumerate(raw):
        name = item.get("id") if isinstance(item, dict) else None
        readers.append(Table(DATA_FILE, name if isinstance(name, str) else f"{key}[{i}]", item))
    return readers


def load_screening(text: str | None = None) -> tuple[tuple[Question, ...], tuple[Rule, ...]]:
    """Questions and rules from ``screening.toml`` (or from ``text``), fully checked.

    Raises ``KnowledgeBaseError`` naming the record and key at fault.
    """
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
    unknown = sorted(set(data) - {"question", "rule"})
    if unknown:
        raise KnowledgeBaseError("unknown key", field=f"{DATA_FILE}: {unknown[0]}")
    questions = tuple(_question(r) for r in _tables(data, "question"))
    rules = tuple(_rule(r) for r in _tables(data, "rule"))
    _check(questions, rules)
    return questions, rules


def _unknown(where: str, what: str, value: str, choices: Iterable[str]) -> KnowledgeBaseError:
    return KnowledgeBaseError(
        f"unknown {what} {value!r}",
        field=f"{DATA_FILE}: {where}",
        value=value,
        suggestions=difflib.get_close_matches(value, sorted(choices), n=3, cutoff=0.0),
    )


def _check(questions: tuple[Question, ...], rules: tuple[Rule, ...]) -> None:
    sources = load_knowledge_base().sources
    by_id: dict[str, Question] = {}
    for q in questions:
        if q.id in by_id or q.id in CONTEXT_NAMES:
            raise KnowledgeBaseError("question id used twice", field=f"{DATA_FILE}: {q.id}.id")
        if q.source not in sources:
            raise _unknown(f"{q.id}.source", "source", q.source, sources)
        if q.follow_up_of is not None:
            parent = by_id.get(q.follow_up_of)
            if parent is None:
                raise _unknown(f"{q.id}.follow_up_of", "earlier question", q.follow_up_of, by_id)
            if parent.type is not AnswerType.BOOLEAN:
                raise KnowledgeBaseError(
                    "must name a yes/no question", field=f"{DATA_FILE}: {q.id}.follow_up_of"
                )
        by_id[q.id] = q
    names = {*by_id, *CONTEXT_NAMES}
    area_ids = {a.id for a in atlas.areas()}
    region_ids = {r.id for r in atlas.regions()}
    seen: set[str] = set()
    used: set[str] = set()
    for rule in rules:
        at = rule.id
        if rule.id in seen:
            raise KnowledgeBaseError("rule id used twice", field=f"{DATA_FILE}: {at}.id")
        seen.add(rule.id)
        if rule.source not in sources:
            raise _unknown(f"{at}.source", "source", rule.source, sources)
        for name in rule.logic.names:
            if name not in names:
                raise _unknown(f"{at}.logic", "question", name, names)
        _check_types(rule, by_id)
        for i, detail in enumerate(rule.details):
            if detail not in by_id:
                raise _unknown(f"{at}.details[{i}]", "question", detail, by_id)
        p = rule.precautions
        for i, site in enumerate(p.site_questions):
            if site not in by_id:
                raise _unknown(f"{at}.precautions.site_questions[{i}]", "question", site, by_id)
            if by_id[site].type is not AnswerType.TEXT:
                raise KnowledgeBaseError(
                    "must name a text question",
                    field=f"{DATA_FILE}: {at}.precautions.site_questions[{i}]",
                )
        for i, region_id in enumerate(p.regions_to_avoid):
            if region_id not in area_ids and region_id not in region_ids:
                raise _unknown(
                    f"{at}.precautions.regions_to_avoid[{i}]", "area", region_id, area_ids
                )
        used.update(rule.questions)
    unused = [q.id for q in questions if q.id not in used]
    if unused:
        raise KnowledgeBaseError(
            "question no rule reads (every question must serve a rule)",
            field=f"{DATA_FILE}: {unused[0]}",
        )


def _check_types(rule: Rule, by_id: Mapping[str, Question]) -> None:
    where = f"{DATA_FILE}: {rule.id}.logic"
    for name in bare_names(rule.logic.tree):
        q = by_id.get(name)
        if q is None or q.type is not AnswerType.BOOLEAN:
            raise KnowledgeBaseError(
                f"{name!r} is not a yes/no question; compare it instead", field=where
            )
    for compare in comparisons(rule.logic.tree):
        left, right = compare.left, compare.right
        if isinstance(left, Count):
            ok = isinstance(right, Literal) and isinstance(right.value, int)
        elif isinstance(left, Name) and isinstance(right, Literal):
            kind = (
                AnswerType.NUMBER
                if left.name == "age"
                else AnswerType.TEXT
                if left.name == "sex"
                else by_id[left.name].type
            )
            value = right.value
            ok = (
                kind is AnswerType.NUMBER
                and isinstance(value, int | float)
                and not isinstance(value, bool)
            ) or (kind is AnswerType.TEXT and isinstance(value, str))
        else:
            ok = False
        if not ok:
            raise KnowledgeBaseError(
                f"cannot compare {_describe(left)} {compare.op} {_describe(right)}", field=where
            )


def _describe(node: object) -> str:
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Literal):
        return repr(node.value)
    return "count(...)" if isinstance(node, Count) else type(node).__name__


@functools.cache
def _catalogue() -> _Catalogue:
    questions, rules = load_screening()
    return _Catalogue(questions, {q.id: q for q in questions}, rules)


def questions() -> tuple[Question, ...]:
    """Every screening question, in form order."""
    return _catalogue().questions


def question(question_id: str) -> Question:
    """The question with this id; ``DomainError`` naming the closest ids if unknown."""
    by_id = _catalogue().by_id
    try:
        return by_id[question_id]
    except KeyError:
        raise DomainError(
            f"unknown question {question_id!r}",
            field="question",
            value=question_id,
            suggestions=difflib.get_close_matches(question_id, sorted(by_id), n=3, cutoff=0.0),
        ) from None


def rules() -> tuple[Rule, ...]:
    """Every rule, in the order of the data file."""
    return _catalogue().rules


# --------------------------------------------------------------------------- input


def parse_input(data: Mapping[str, object]) -> ScreeningInput:
    """The CLI/API JSON ``{"age": 52, "sex": "female", "answers": {...}}`` as an input.

    Raises ``ScreeningInputError`` naming every bad entry: unknown keys and question ids
    (with the closest ids), wrong types, out-of-range values. An answer of ``null`` and a
    missing answer both mean unknown.
    """
    if not isinstance(data, Mapping):
        raise ScreeningInputError([Problem("input", "must be a JSON object")])
    problems: list[Problem] = []
    for key in data:
        if key not in INPUT_KEYS:
            problems.append(Problem(str(key), _unknown_message("key", str(key), INPUT_KEYS)))
    age = data.get("age")
    if age is not None:
        if isinstance(age, float) and age.is_integer():
            age = int(age)
        if isinstance(age, bool) or not isinstance(age, int):
            problems.append(Problem("age", f"must be a whole number of years, not {_shown(age)}"))
            age = None
        elif not 0 <= age <= MAX_AGE:
            problems.append(Problem("age", f"{age} is out of range: 0 to {MAX_AGE} years"))
            age = None
    sex = data.get("sex")
    if sex is not None and sex not in SEXES:
        problems.append(Problem("sex", f"unknown sex {_shown(sex)}; one of {', '.join(SEXES)}"))
        sex = None
    answers: dict[str, Answer] = {}
    raw = data.get("answers", {})
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(Problem("answers", "must be an object of question id: answer"))
        raw = {}
    by_id = _catalogue().by_id
    for key, value in raw.items():
        where = f"answers.{key}"
        q = by_id.get(str(key))
        if q is None and key in CONTEXT_NAMES:
            problems.append(Problem(where, f"{key} goes beside answers, not inside them"))
            continue
        if q is None:
            problems.append(Problem(where, _unknown_message("question", str(key), by_id)))
            continue
        if value is None:
            continue
        try:
            answers[q.id] = q.check(value, where)
        except DomainError as error:
            problems.append(Problem(where, error.message))
    problems.extend(_contradictions(answers, age if isinstance(age, int) else None, sex))
    if problems:
        raise ScreeningInputError(problems)
    return ScreeningInput(
        age=age if isinstance(age, int) else None,
        sex=sex if isinstance(sex, str) else None,
        answers=answers,
    )


def _contradictions(answers: Mapping[str, Answer], age: int | None, sex: object) -> list[Problem]:
    """Answers that cannot all be true: a question for the other sex answered yes (or with a
    number or text), or back pain that began at an age the client has not reached yet. A
    follow-up answered while its parent is "no" is not a contradiction: it is ignored."""
    by_id = _catalogue().by_id
    problems: list[Problem] = []
    for qid, value in answers.items():
        q = by_id[qid]
        if _other_sex(q, sex) and value is not False:
            problems.append(
                Problem(
                    f"answers.{qid}",
                    f"is asked only of {q.applies_to_sex} clients, and sex is {sex}; "
                    "correct one of the two",
                )
            )
    start = answers.get("back_pain_start_age")
    if isinstance(start, int | float) and age is not None and start > age:
        problems.append(
            Problem(
                "answers.back_pain_start_age",
                f"{start:g} years is older than the client's age ({age}); correct one of the two",
            )
        )
    return problems


def _unknown_message(what: str, value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(choices), n=3, cutoff=0.5)
    hint = f" (closest: {', '.join(close)})" if close else ""
    return f"unknown {what} {value!r}{hint}"


# --------------------------------------------------------------------------- screening


def resolve_site(text: str) -> tuple[tuple[str, ...], bool]:
    """Atlas region ids a client's description of a body site names, and whether every
    part of it was understood ("left knee and lower belly" -> both; "left knee scar" ->
    the left knee, partly understood)."""
    regions: list[str] = []
    understood = True
    for piece in re.split(r",|;|/|\band\b|\+|&", text.casefold()):
        words = re.findall(r"[a-z0-9']+", piece)
        if not words:
            continue
        found = _longest_window(words)
        if found is None:
            understood = False
            continue
        ids, used = found
        understood = understood and used == len(words)
        regions.extend(r for r in ids if r not in regions)
    return tuple(regions), understood and bool(regions)


_SIDE_WORDS: Final = {"left": "left", "right": "right", "both": "both", "bilateral": "both"}


def _longest_window(words: list[str]) -> tuple[tuple[str, ...], int] | None:
    """The longest run of words naming a region, keeping a side word said elsewhere."""
    sides = [_SIDE_WORDS[w] for w in words if w in _SIDE_WORDS]
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            window = words[start : start + size]
            side = sides[0] if sides and not set(window) & set(_SIDE_WORDS) else None
            for text in ([f"{side} {' '.join(window)}"] if side else []) + [" ".join(window)]:
                try:
                    return atlas.resolve_region(text), size
                except DomainError:
                    continue
    return None


def screen(data: ScreeningInput) -> ScreeningResult:
    """Evaluate every rule; the most urgent finding decides."""
    catalogue = _catalogue()
    answers = _effective(data.answers, data.sex)
    env = ScreeningInput(age=data.age, sex=data.sex, answers=answers).values()
    findings: list[tuple[int, Finding]] = []
    possible: list[tuple[int, Finding]] = []
    unknown: dict[str, None] = {}
    age_needed = False
    fired: list[Rule] = []
    for index, rule in enumerate(catalogue.rules):
        truth = rule.logic.evaluate(env)
        if truth is False:
            continue
        finding = _finding(rule, env, answers)
        if truth:
            findings.append((index, finding))
            fired.append(rule)
        else:
            possible.append((index, finding))
            age_needed = age_needed or ("age" in rule.logic.names and data.age is None)
        for qid in rule.questions:
            if qid not in data.answers and _askable(catalogue.by_id[qid], data.sex, answers):
                unknown[qid] = None
    ordered = _ranked(findings)
    decision = ordered[0].decision if ordered else Decision.TREAT
    order = {q.id: i for i, q in enumerate(catalogue.questions)}
    return ScreeningResult(
        decision=decision,
        findings=ordered,
        precautions=_merge(fired, answers),
        unknown=tuple(sorted(unknown, key=order.__getitem__)),
        possible=_ranked(possible),
        age_needed=age_needed,
    )


def _askable(q: Question, sex: str | None, answers: Mapping[str, Answer]) -> bool:
    """Would the form ask this question now? (parent answered yes; sex fits)."""
    if _other_sex(q, sex):
        return False
    return q.follow_up_of is None or answers.get(q.follow_up_of) is True


def _other_sex(q: Question, sex: object) -> bool:
    """The question is for the other of female and male (a client of another sex is asked)."""
    return q.applies_to_sex is not None and sex in ("female", "male") and sex != q.applies_to_sex


def _effective(answers: Mapping[str, Answer], sex: str | None) -> dict[str, Answer]:
    """The answers rules read. A follow-up whose parent is "no" is ignored (the form never
    asked it); a follow-up answered yes, with a number or with text while its parent is
    unknown says the parent's answer is yes ("treated for cancer now" means "has had
    cancer"), so a rule that other answers already satisfy is not held open by it. A
    yes/no question for the other sex (pregnancy for a male client) is a no."""
    by_id = _catalogue().by_id
    known = dict(answers)
    for q in by_id.values():
        if _other_sex(q, sex) and q.type is AnswerType.BOOLEAN and q.id not in answers:
            known[q.id] = False
    for qid, value in answers.items():
        parent = by_id[qid].follow_up_of
        if parent is None:
            continue
        if answers.get(parent) is False:
            del known[qid]
        elif parent not in answers and value is not False:
            known[parent] = True
    return known


def _finding(rule: Rule, env: Mapping[str, Answer], answers: Mapping[str, Answer]) -> Finding:
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        pathology=rule.pathology,
        decision=rule.decision,
        triggered_by=rule.logic.evidence(env),
        action=rule.action,
        why=rule.why,
        ask_physician=rule.ask_physician,
        source=rule.source,
        kind=rule.kind.value,
        tier_ours=rule.tier_ours,
        details=tuple((q, answers[q]) for q in rule.details if q in answers),
    )


def _ranked(items: list[tuple[int, Finding]]) -> tuple[Finding, ...]:
    """Most urgent first; then red flags, contraindications, precautions; then file order."""
    items.sort(
        key=lambda item: (
            -item[1].decision.urgency,
            _KIND_ORDER.index(RuleKind(item[1].kind)),
            item[0],
        )
    )
    return tuple(finding for _, finding in items)


def _merge(fired: list[Rule], answers: Mapping[str, Answer]) -> Precautions:
    techniques: dict[str, None] = {}
    regions: dict[str, None] = {}
    sites: dict[str, None] = {}
    positioning: dict[str, None] = {}
    notes: dict[str, None] = {}
    caps: list[float] = []
    clearance = False
    for rule in fired:
        p = rule.precautions
        techniques.update(dict.fromkeys(p.techniques_not_allowed))
        regions.update(dict.fromkeys(p.regions_to_avoid))
        positioning.update(dict.fromkeys(p.positioning))
        notes.update(dict.fromkeys(p.notes))
        if p.max_pressure_kg is not None:
            caps.append(p.max_pressure_kg)
        clearance = clearance or p.clearance or rule.decision.requires_clearance
        for qid in p.site_questions:
            text = answers.get(qid)
            if not isinstance(text, str):
                continue
            found, understood = resolve_site(text)
            regions.update(dict.fromkeys(found))
            if not understood:
                sites[text] = None
    return Precautions(
        techniques_not_allowed=tuple(t for t in TECHNIQUES if t in techniques),
        max_pressure_kg=min(caps) if caps else None,
        regions_to_avoid=tuple(regions),
        sites_to_avoid=tuple(sites),
        positioning=tuple(positioning),
        notes=tuple(notes),
        needs_clearance=clearance,
    )


# --------------------------------------------------------------------------- JSON


def question_json(q: Question) -> dict[str, object]:
    """A question as the CLI and API show it."""
    return {
        "id": q.id,
        "text": q.text,
        "type": q.type.value,
        "pathology": q.pathology,
        "source": q.source,
        "group": q.group,
        "follow_up_of": q.follow_up_of,
        "minimum": q.minimum,
        "maximum": q.maximum,
        "unit": q.unit,
        "help": q.help,
        "applies_to_sex": q.applies_to_sex,
    }


def _source_label(source_id: str) -> str:
    source = load_knowledge_base().sources.get(source_id)
    return source.label if source is not None else source_id


def _answer_rows(pairs: Iterable[tuple[str, Answer]]) -> list[dict[str, object]]:
    by_id = _catalogue().by_id
    rows: list[dict[str, object]] = []
    for name, value in pairs:
        text = by_id[name].text if name in by_id else name.capitalize()
        rows.append({"question": name, "text": text, "answer": value})
    return rows


def finding_json(f: Finding) -> dict[str, object]:
    """A finding as the CLI and API show it."""
    return {
        "rule_id": f.rule_id,
        "title": f.title,
        "pathology": f.pathology,
        "kind": f.kind,
        "decision": f.decision.value,
        "decision_label": f.decision.label,
        "urgency": f.decision.urgency,
        "triggered_by": _answer_rows(f.triggered_by),
        "details": _answer_rows(f.details),
        "action": f.action,
        "why": f.why,
        "ask_physician": f.ask_physician,
        "source": f.source,
        "source_label": _source_label(f.source),
        "tier_ours": f.tier_ours,
    }


def precautions_json(p: Precautions) -> dict[str, object]:
    """Merged precautions with labels for techniques and regions."""
    return {
        "techniques_not_allowed": list(p.techniques_not_allowed),
        "techniques_not_allowed_labels": [TECHNIQUES[t] for t in p.techniques_not_allowed],
        "max_pressure_kg": p.max_pressure_kg,
        "regions_to_avoid": list(p.regions_to_avoid),
        "regions_to_avoid_labels": [_region_label(r) for r in p.regions_to_avoid],
        "sites_to_avoid": list(p.sites_to_avoid),
        "positioning": list(p.positioning),
        "notes": list(p.notes),
        "needs_clearance": p.needs_clearance,
        "is_empty": p.is_empty,
    }


def _region_label(region_id: str) -> str:
    try:
        return atlas.region(region_id).label
    except DomainError:
        return atlas.area(region_id).label


def result_json(result: ScreeningResult) -> dict[str, object]:
    """The JSON shape of ``myomap screen --json`` and ``POST /api/v1/screening``."""
    by_id = _catalogue().by_id
    return {
        "decision": result.decision.value,
        "label": result.decision.label,
        "urgency": result.decision.urgency,
        "requires_clearance": result.decision.requires_clearance,
        "instruction": result.decision.instruction,
        "findings": [finding_json(f) for f in result.findings],
        "precautions": precautions_json(result.precautions),
        "unknown": list(result.unknown),
        "unknown_questions": [
            {"id": q, "text": by_id[q].text, "group": by_id[q].group} for q in result.unknown
        ],
        "age_needed": result.age_needed,
        "possible": [finding_json(f) for f in result.possible],
        "complete": result.complete,
    }
