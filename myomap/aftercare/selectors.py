"""Reads for aftercare: a client's sheets, the links and adherence to the home program."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from myomap.aftercare.models import AftercareSheet, HomeProgramLink, HomeProgramMark
from myomap.patients.models import Patient
from myomap_core import home_program as program

WINDOW_DAYS = 7


@dataclass(frozen=True)
class ItemAdherence:
    id: str
    title: str
    days_done: int
    done_days: tuple[date, ...]


@dataclass(frozen=True)
class Adherence:
    """Home program days done over the last ``WINDOW_DAYS`` days (only days since the sheet)."""

    days: tuple[date, ...]
    """The days counted, oldest first, ending today."""
    days_any: int
    """Days on which at least one item was done."""
    days_all: int
    """Days on which every item was done."""
    items: tuple[ItemAdherence, ...]
    last_marked: date | None

    @property
    def window(self) -> int:
        return len(self.days)

    @property
    def summary(self) -> str:
        """``Done on 5 of the last 7 days``; a sheet made today says ``Done today``."""
        if self.window <= 1:
            return "Done today" if self.days_any else "Nothing done yet today"
        return f"Done on {self.days_any} of the last {self.window} days"


def window(sheet: AftercareSheet, today: date | None = None) -> tuple[date, ...]:
    today = today or sheet.clinic.today()
    start = max(sheet.start_date, today - timedelta(days=WINDOW_DAYS - 1))
    count = (today - start).days + 1
    return tuple(start + timedelta(days=n) for n in range(max(count, 0)))


def tick_counts(sheet: AftercareSheet, days: tuple[date, ...]) -> dict[tuple[str, date], int]:
    """Times each item was ticked on each of ``days``."""
    if not days:
        return {}
    rows = HomeProgramMark.objects.filter(sheet=sheet, day__gte=days[0], day__lte=days[-1])
    return {(m.item_id, m.day): m.count for m in rows}


def marks_of(sheet: AftercareSheet, days: tuple[date, ...]) -> set[tuple[str, date]]:
    return set(tick_counts(sheet, days))


def adherence(sheet: AftercareSheet, today: date | None = None) -> Adherence:
    days = window(sheet, today)
    marks = marks_of(sheet, days)
    ids = sheet.item_ids
    items = tuple(
        ItemAdherence(
            id=str(item["id"]),
            title=str(item["title"]),
            days_done=sum(1 for d in days if (item["id"], d) in marks),
            done_days=tuple(d for d in days if (item["id"], d) in marks),
        )
        for item in sheet.items
    )
    last = HomeProgramMark.objects.filter(sheet=sheet).order_by("-day").first()
    return Adherence(
        days=days,
        days_any=sum(1 for d in days if any((i, d) in marks for i in ids)),
        days_all=sum(1 for d in days if ids and all((i, d) in marks for i in ids)),
        items=items,
        last_marked=last.day if last else None,
    )


def adherence_json(sheet: AftercareSheet, today: date | None = None) -> dict[str, object]:
    a = adherence(sheet, today)
    return {
        "sheet_id": sheet.pk,
        "session_id": sheet.session_id,
        "days": [d.isoformat() for d in a.days],
        "days_counted": a.window,
        "days_any_done": a.days_any,
        "days_all_done": a.days_all,
        "summary": a.summary,
        "last_marked": a.last_marked.isoformat() if a.last_marked else None,
        "items": [
            {
                "id": i.id,
                "title": i.title,
                "days_done": i.days_done,
                "done_days": [d.isoformat() for d in i.done_days],
            }
            for i in a.items
        ],
    }


def latest_sheet(patient: Patient) -> AftercareSheet | None:
    return (
        AftercareSheet.objects.filter(patient=patient)
        .select_related("session", "clinic")
        .order_by("-session__started_at", "-id")
        .first()
    )


def open_links(sheet: AftercareSheet) -> list[HomeProgramLink]:
    links = HomeProgramLink.objects.filter(
        sheet=sheet, private__revoked_at__isnull=True
    ).select_related("private__patient")
    return [link for link in links if link.is_usable]


def program_grid(sheet: AftercareSheet, today: date | None = None) -> dict[str, Any]:
    """The home program's grid: the last days and, per item, how often it was done on each
    and what can be ticked (the sheet page and the client's page draw it)."""
    days = window(sheet, today)
    counts = tick_counts(sheet, days)
    today = today or sheet.clinic.today()
    rows = []
    for item in sheet.items:
        first_day = sheet.first_day(item)
        per_day = program.dose_of(item).ticks_per_day
        cells = [
            {
                "day": d,
                "done": (str(item["id"]), d) in counts,
                "count": counts.get((str(item["id"]), d), 0),
                "today": d == today,
                "before_start": d < first_day,
            }
            for d in days
        ]
        done_today = counts.get((str(item["id"]), today), 0)
        rows.append(
            {
                "item": item,
                "cells": cells,
                "done_today": done_today > 0,
                "count_today": done_today,
                "per_day": per_day,
                "more_today": first_day <= today and done_today < per_day,
                "first_day": first_day,
                "starts_later": first_day > today,
                "days_done": sum(1 for c in cells if c["done"]),
            }
        )
    return {"days": days, "rows": rows, "today": today}
