"""The session event log: validation, idempotent merging and what the log adds up to."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from myomap_core.errors import DomainError
from myomap_core.session import Event, EventKind, Outcome, ease_off, merge, summarise

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def ev(
    seq: int, kind: str, step: int | None = None, value: float | None = None, **kw: object
) -> Event:
    return Event(
        event_id=str(kw.pop("event_id", uuid.uuid4())),
        seq=seq,
        kind=EventKind(kind),
        step=step,
        value=value,
        at=T0 + timedelta(seconds=seq),
        text=str(kw.pop("text", "")),
    )


# --- Validation --------------------------------------------------------------------------


def test_ease_off_is_above_five() -> None:
    assert [v for v in range(11) if ease_off(v)] == [6, 7, 8, 9, 10]


@pytest.mark.parametrize(
    ("kind", "step", "value", "field"),
    [
        ("discomfort", 1, 11, "value"),
        ("discomfort", 1, 4.5, "value"),
        ("discomfort", 1, None, "value"),
        ("discomfort", None, 3, "step"),
        ("pain_before", None, -1, "value"),
        ("pain_after", 2, 3, "step"),
        ("released", 0, None, "step"),
        ("timer_done", 1, None, "value"),
        ("timer_stopped", 1, 9999, "value"),
        ("twitch", 1, 2, "value"),
        ("note", 1, None, "text"),
    ],
)
def test_bad_events_are_refused_naming_the_field(
    kind: str, step: int | None, value: float | None, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        ev(1, kind, step, value)
    assert refused.value.field == field


def test_event_needs_a_uuid_a_known_kind_and_a_zoned_time() -> None:
    with pytest.raises(DomainError) as bad_id:
        Event("not-a-uuid", 1, EventKind.TWITCH, 1, None, T0)
    assert bad_id.value.field == "event_id"
    with pytest.raises(DomainError) as bad_kind:
        Event(str(uuid.uuid4()), 1, "wiggle", 1, None, T0)  # type: ignore[arg-type]
    assert bad_kind.value.field == "kind" and "discomfort" in bad_kind.value.suggestions
    with pytest.raises(DomainError) as naive:
        Event(str(uuid.uuid4()), 1, EventKind.TWITCH, 1, None, datetime(2026, 3, 2, 9))
    assert naive.value.field == "at"


def test_event_ids_are_normalised() -> None:
    raw = uuid.uuid4()
    event = Event(str(raw).upper(), 1, EventKind.TWITCH, 1, None, T0)
    assert event.event_id == str(raw)


# --- Merging -----------------------------------------------------------------------------


def test_a_repeated_send_is_a_duplicate_and_new_ones_are_new() -> None:
    first = ev(1, "discomfort", 1, 4)
    second = ev(2, "released", 1)
    result = merge([first], [first, second, second])
    assert result.new == (second,)
    assert result.duplicates == (first.event_id, second.event_id)
    assert set(result.accepted) == {first.event_id, second.event_id}


def test_the_same_id_with_other_content_is_refused() -> None:
    first = ev(1, "discomfort", 1, 4)
    changed = Event(first.event_id, 1, EventKind.DISCOMFORT, 1, 8, first.at)
    with pytest.raises(DomainError) as refused:
        merge([first], [changed])
    assert refused.value.field == "event_id"


# --- Summary -----------------------------------------------------------------------------


def test_a_standard_step_in_three_taps() -> None:
    events = [
        ev(1, "pain_before", value=6),
        ev(2, "timer_started", 1, 60),
        ev(3, "discomfort", 1, 4),
        ev(4, "timer_done", 1, 60),
        ev(5, "released", 1),
        ev(6, "discomfort", 2, 7),
        ev(7, "discomfort", 2, 5),
        ev(8, "twitch", 2),
        ev(9, "skipped", 3),
        ev(10, "pain_after", value=3),
        ev(11, "finished"),
    ]
    summary = summarise(3, events)
    one, two, three = summary.steps
    assert (one.status, one.released, one.hold_s_total, one.discomfort_max) == ("done", True, 60, 4)
    assert two.status == "pending" and two.twitch and two.discomfort == (7, 5)
    assert two.discomfort_max == 7 and two.ease_off_count == 1
    assert three.status == "skipped"
    assert summary.ease_off_warnings == ((2, 7),)
    assert (summary.pain_before, summary.pain_after, summary.finished) == (6, 3, True)
    assert summary.current_step is None


def test_the_guide_resumes_at_the_step_after_the_last_one_closed() -> None:
    assert summarise(3, []).current_step == 1
    assert summarise(0, []).current_step is None
    assert summarise(3, [ev(1, "step_done", 1)]).current_step == 2
    assert summarise(3, [ev(1, "released", 1)]).current_step == 2
    assert summarise(3, [ev(1, "no_change", 3)]).current_step is None
    assert summarise(3, [ev(1, "skipped", 1), ev(2, "step_started", 1)]).current_step == 1


def test_the_later_tap_wins_whatever_order_the_events_arrive_in() -> None:
    skipped, done = ev(1, "skipped", 1), ev(2, "step_done", 1)
    assert summarise(1, [done, skipped]).steps[0].status == "done"
    low, high = ev(1, "pain_before", value=2), ev(2, "pain_before", value=5)
    assert summarise(0, [high, low]).pain_before == 5


def test_an_outcome_moves_on_and_the_latest_counts() -> None:
    events = [
        ev(1, "timer_started", 1, 60),
        ev(2, "timer_stopped", 1, 35),
        ev(3, "released", 1),
        ev(4, "eased", 1),
        ev(5, "timer_stopped", 2, 0),
        ev(6, "step_done", 2),
    ]
    one, two = summarise(2, events).steps
    assert (one.outcome, one.released, one.holds, one.repetitions_done) == (
        Outcome.EASED, False, (35,), 1,
    )  # fmt: skip
    assert one.status == "done" and summarise(2, events[:4]).current_step == 2
    assert (two.outcome, two.holds, two.hold_s_total, two.status) == (None, (), 0, "done")


def test_a_mistaken_outcome_corrected_after_back_is_what_counts() -> None:
    events = [
        ev(1, "timer_started", 1, 60),
        ev(2, "discomfort", 1, 5),
        ev(3, "timer_stopped", 1, 25),
        ev(4, "released", 1),  # the wrong button; the guide shows step 2
        ev(5, "step_started", 1),  # Back
        ev(6, "no_change", 1),  # the correction moves on again
    ]
    summary = summarise(2, events)
    one = summary.steps[0]
    assert (one.outcome, one.holds, one.status) == (Outcome.NO_CHANGE, (25,), "done")
    assert summarise(2, events[:5]).current_step == 1
    assert summary.current_step == 2


def test_each_timer_stop_is_one_hold_of_the_seconds_measured() -> None:
    events = [ev(1, "timer_done", 1, 60), ev(2, "timer_stopped", 1, 12.4), ev(3, "step_done", 1)]
    step = summarise(1, events).steps[0]
    assert (step.holds, step.hold_s_total, step.repetitions_done) == ((60, 12), 72, 2)


def test_a_step_beyond_the_session_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        summarise(2, [ev(1, "twitch", 3)])
    assert refused.value.field == "step"


# --- Properties --------------------------------------------------------------------------

STEPS = 4
step_kinds = st.sampled_from(
    ["step_started", "timer_started", "timer_stopped", "timer_done", "discomfort", "released",
     "twitch", "referral_reproduced", "skipped", "step_done", "note", "eased_off", "eased",
     "no_change"]
)  # fmt: skip


@st.composite
def one_event(draw: st.DrawFn, seq: int) -> Event:
    kind = draw(st.one_of(step_kinds, st.sampled_from(["pain_before", "pain_after", "note"])))
    step = None if kind in ("pain_before", "pain_after") else draw(st.integers(1, STEPS))
    if kind == "note" and draw(st.booleans()):
        step = None
    value: float | None = None
    if kind in ("discomfort", "pain_before", "pain_after"):
        value = draw(st.integers(0, 10))
    elif kind in ("timer_stopped", "timer_done"):
        value = draw(st.integers(0, 90))
    text = "felt easing" if kind == "note" else ""
    return Event(str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))), seq, EventKind(kind),
                 step, value, T0 + timedelta(seconds=seq), text)  # fmt: skip


@st.composite
def session_log(draw: st.DrawFn) -> list[Event]:
    count = draw(st.integers(0, 25))
    events = [draw(one_event(seq)) for seq in range(1, count + 1)]
    unique = {e.event_id: e for e in events}
    return list(unique.values())


@st.composite
def repeated_sends(draw: st.DrawFn) -> tuple[list[Event], list[list[Event]]]:
    """A log and batches that send every event at least once, some many times, any order."""
    events = draw(session_log())
    pool = events + draw(st.lists(st.sampled_from(events), max_size=30)) if events else []
    shuffled = draw(st.permutations(pool))
    cuts = sorted(draw(st.lists(st.integers(0, len(shuffled)), max_size=6)))
    batches, start = [], 0
    for cut in [*cuts, len(shuffled)]:
        batches.append(list(shuffled[start:cut]))
        start = cut
    return events, batches


@settings(max_examples=300, deadline=None)
@given(repeated_sends())
def test_repeated_sends_in_any_interleaving_add_up_to_sending_once(
    case: tuple[list[Event], list[list[Event]]],
) -> None:
    events, batches = case
    stored: list[Event] = []
    for batch in batches:
        result = merge(stored, batch)
        stored.extend(result.new)
        assert set(result.accepted) == {e.event_id for e in batch}
    # No event lost, none stored twice.
    assert sorted(e.event_id for e in stored) == sorted(e.event_id for e in events)
    assert summarise(STEPS, stored) == summarise(STEPS, events)


@settings(max_examples=200, deadline=None)
@given(session_log(), st.randoms(use_true_random=False))
def test_the_summary_follows_seq_not_arrival(events: list[Event], rnd: object) -> None:
    shuffled = list(events)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert summarise(STEPS, shuffled) == summarise(STEPS, events)


@settings(max_examples=200, deadline=None)
@given(session_log())
def test_every_discomfort_reading_is_kept_and_every_one_above_five_warned(
    events: list[Event],
) -> None:
    summary = summarise(STEPS, events)
    readings = [e for e in sorted(events, key=lambda e: e.seq) if e.kind is EventKind.DISCOMFORT]
    kept = [d for s in summary.steps for d in s.discomfort]
    assert sorted(kept) == sorted(int(e.value or 0) for e in readings)
    assert summary.ease_off_warnings == tuple(
        (e.step or 0, int(e.value or 0)) for e in readings if (e.value or 0) > 5
    )
    assert sum(s.ease_off_count for s in summary.steps) == summary.ease_off_count
