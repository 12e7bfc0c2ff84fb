"""Reads worked out once per page view.

A GET or HEAD request changes no record, so a derived read that several panels of one page ask
for (the five-element profile of an assessment: the assessment card, the plan's coverage and the
progress findings each need it) is computed once and shared for the rest of that request. The
memo lives for one request (a context variable set by ``ReadOnceMiddleware``). Everywhere else:
services, POSTs, the worker, the command line and tests that call a selector directly, every
call computes afresh.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Protocol, TypeVar, cast

from django.http import HttpRequest, HttpResponse

_memo: ContextVar[dict[Hashable, object] | None] = ContextVar("myomap_read_once", default=None)


class _Row(Protocol):
    @property
    def pk(self) -> object: ...


RowT = TypeVar("RowT", bound=_Row)
ResultT = TypeVar("ResultT")


def shared_read(key: Hashable, read: Callable[[], ResultT]) -> ResultT:
    """``read()``, worked out once per reading request for ``key`` (which must name what
    ``read`` returns: start it with the reader's own name); afresh everywhere else."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return cast("ResultT", memo[key])


def once_per_page(read: Callable[[RowT], ResultT]) -> Callable[[RowT], ResultT]:
    """Share ``read(row)`` within one reading request, keyed by the row's model and primary key."""
    name = f"{read.__module__}.{read.__qualname__}"

    @functools.wraps(read)
    def shared(row: RowT) -> ResultT:
        if row.pk is None:
            return read(row)
        return shared_read((name, type(row).__name__, row.pk), lambda: read(row))

    return shared


class ReadOnceMiddleware:
    """Open a memo for GET and HEAD requests, and close it when the response is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _memo.set({} if request.method in ("GET", "HEAD") else None)
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
