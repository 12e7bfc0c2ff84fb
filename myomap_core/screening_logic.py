"""A small, safe expression language for screening rules, with three-valued logic.

Rules in ``screening.toml`` say when they fire, e.g.
``age > 50 and (cancer_history or unexplained_weight_loss)``. Expressions are parsed
once (no ``eval``) and evaluated against the answers with Kleene's three-valued logic:
an unanswered question is *unknown* (``None``), never "no", so

* ``a and b`` is false if either is false, true if both are true, otherwise unknown;
* ``a or b`` is true if either is true, false if both are false, otherwise unknown;
* ``not a`` is unknown when ``a`` is;
* a comparison with an unknown side is unknown.

Grammar::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := atom (("<" | "<=" | ">" | ">=" | "==" | "!=") atom)?
    atom       := NUMBER | STRING | "true" | "false" | NAME
                | "count" "(" expr ("," expr)* ")"      -- how many are true
                | "known" "(" NAME ")"                  -- answered? never unknown
                | "(" expr ")"

``count(...)`` is a number known only as a range (true ones .. true plus unknown ones), so
``count(a, b, c) >= 2`` is true once two are true and false once two cannot be.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from myomap_core.errors import DomainError

Answer: TypeAlias = bool | float | int | str
"""A known value: a boolean answer, a number (age included) or text."""
Truth: TypeAlias = bool | None
"""Three-valued truth: ``None`` is unknown."""

_TOKEN: Final = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<string>\"[^\"]*\"|'[^']*')"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op><=|>=|==|!=|<|>|\(|\)|,))"
)
_COMPARE: Final[Mapping[str, Callable[[Any, Any], Any]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
KEYWORDS: Final = frozenset({"and", "or", "not", "true", "false", "count", "known"})


@dataclass(frozen=True, slots=True)
class _Range:
    """A count known only within ``low .. high``."""

    low: int
    high: int


Value: TypeAlias = Answer | _Range | None


# --------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True, slots=True)
class Literal:
    value: Answer


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Count:
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Known:
    name: str


Node: TypeAlias = Literal | Name | Not | And | Or | Compare | Count | Known


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed rule expression; ``names`` lists the variables it reads, in order."""

    text: str
    tree: Node
    names: tuple[str, ...]

    def evaluate(self, env: Mapping[str, Answer]) -> Truth:
        """True, False or None (unknown) for these known values; absent names are unknown."""
        return _truth(_value(self.tree, env))

    def evidence(self, env: Mapping[str, Answer]) -> tuple[tuple[str, Answer], ...]:
        """The known values that make the expression true (or, if unknown, that point that
        way), each name once, in the order the expression reads them."""
        found: dict[str, Answer] = {}
        for name in _support(self.tree, env, True):
            if name in env and name not in found:
                found[name] = env[name]
        return tuple(found.items())


# --------------------------------------------------------------------------- parsing


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            raise DomainError(
                f"cannot read the expression at {stripped[position : position + 12]!r}",
                field="logic",
                value=text,
            )
        tokens.append(match.group(match.lastgroup or "op"))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def fail(self, message: str) -> DomainError:
        return DomainError(message, field="logic", value=self.text)

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None:
            raise self.fail("the expression ends too early")
        if expected is not None and token != expected:
            raise self.fail(f"expected {expected!r}, found {token!r}")
        self.at += 1
        return token

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def or_(self) -> Node:
        items = [self.and_()]
        while self.peek() == "or":
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> Node:
        items = [self.not_()]
        while self.peek() == "and":
            self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self) -> Node:
        if self.peek() == "not":
            self.take()
            return Not(self.not_())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.atom()
        op = self.peek()
        if op is not None and op in _COMPARE:
            self.take()
            return Compare(op, left, self.atom())
        return left

    def atom(self) -> Node:
        token = self.take()
        if token == "(":
            node = self.or_()
            self.take(")")
            return node
        if token[0].isdigit():
            number = float(token)
            return Literal(int(number) if number.is_integer() else number)
        if token[0] in "\"'":
            return Literal(token[1:-1])
        if token in ("true", "false"):
            return Literal(token == "true")
        if token == "count":
            self.take("(")
            items = [self.or_()]
            while self.peek() == ",":
                self.take()
                items.append(self.or_())
            self.take(")")
            return Count(tuple(items))
        if token == "known":
            self.take("(")
            name = self.take()
            if not _is_name(name):
                raise self.fail(f"known(...) takes a question id, not {name!r}")
            self.take(")")
            return Known(name)
        if _is_name(token):
            return Name(token)
        raise self.fail(f"unexpected {token!r}")


def _is_name(token: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token)) and token not in KEYWORDS


def _names(node: Node) -> Iterator[str]:
    match node:
        case Name(name) | Known(name):
            yield name
        case Not(operand):
            yield from _names(operand)
        case And(items) | Or(items) | Count(items):
            for item in items:
                yield from _names(item)
        case Compare(_, left, right):
            yield from _names(left)
            yield from _names(right)
        case Literal():
            pass


def parse(text: str) -> Expression:
    """Parse a rule expression; ``DomainError`` (field ``logic``) says what is wrong."""
    tree = _Parser(text).parse()
    return Expression(text, tree, tuple(dict.fromkeys(_names(tree))))


def comparisons(node: Node) -> Iterator[Compare]:
    """Every comparison in the tree (for checking operand types when rules are loaded)."""
    match node:
        case Compare():
            yield node
            yield from comparisons(node.left)
            yield from comparisons(node.right)
        case Not(operand):
            yield from comparisons(operand)
        case And(items) | Or(items) | Count(items):
            for item in items:
                yield from comparisons(item)
        case _:
            pass


def bare_names(node: Node) -> Iterator[str]:
    """Names used directly as truth values (not inside a comparison or known())."""
    match node:
        case Name(name):
            yield name
        case Not(operand):
            yield from bare_names(operand)
        case And(items) | Or(items) | Count(items):
            for item in items:
                yield from bare_names(item)
        case _:
            pass


# --------------------------------------------------------------------------- evaluation


def _truth(value: Value) -> Truth:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, _Range):
        if value.low > 0:
            return True
        return False if value.high == 0 else None
    if isinstance(value, str):
        return bool(value.strip())
    return value != 0


def _value(node: Node, env: Mapping[str, Answer]) -> Value:
    match node:
        case Literal(value):
            return value
        case Name(name):
            return env.get(name)
        case Known(name):
            return name in env
        case Not(operand):
            truth = _truth(_value(operand, env))
            return None if truth is None else not truth
        case And(items):
            results = [_truth(_value(item, env)) for item in items]
            if False in results:
                return False
            return None if None in results else True
        case Or(items):
            results = [_truth(_value(item, env)) for item in items]
            if True in results:
                return True
            return None if None in results else False
        case Count(items):
            results = [_truth(_value(item, env)) for item in items]
            low = results.count(True)
            return _Range(low, low + results.count(None))
        case Compare(op, left, right):
            return _compare(op, _value(left, env), _value(right, env))
    raise AssertionError(node)  # pragma: no cover


def _compare(op: str, left: Value, right: Value) -> Truth:
    if left is None or right is None:
        return None
    compare = _COMPARE[op]
    lows = range(left.low, left.high + 1) if isinstance(left, _Range) else (left,)
    highs = range(right.low, right.high + 1) if isinstance(right, _Range) else (right,)
    outcomes = {_safe(compare, a, b) for a in lows for b in highs}
    return outcomes.pop() if len(outcomes) == 1 else None


def _safe(compare: Callable[[Any, Any], Any], a: object, b: object) -> bool:
    try:
        return bool(compare(a, b))
    except TypeError:
        return False


def _support(node: Node, env: Mapping[str, Answer], want: bool) -> Iterator[str]:
    """Names whose values make ``node`` evaluate to ``want`` (or could, when unknown)."""
    match node:
        case Name(name) | Known(name):
            yield name
        case Compare(_, Count() as left, right):
            yield from _support(left, env, want)
            yield from _names(right)
        case Compare():
            yield from _names(node)
        case Not(operand):
            yield from _support(operand, env, not want)
        case And(items) | Or(items):
            results = [_truth(_value(item, env)) for item in items]
            # An "or" is made true (an "and" false) by any one decisive part.
            if isinstance(node, Or) == want and want in results:
                chosen = [i for i, r in zip(items, results, strict=True) if r is want]
            else:
                chosen = [i for i, r in zip(items, results, strict=True) if r is not (not want)]
            for item in chosen:
                yield from _support(item, env, want)
        case Count(items):
            for item in items:
                if _truth(_value(item, env)) is want:
                    yield from _support(item, env, want)
        case Literal():
            pass
