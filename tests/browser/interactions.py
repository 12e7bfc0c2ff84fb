"""Count what a user does in the browser: pointer presses (clicks, taps) and keystrokes.

The counter lives in the page itself (an init script listening in the capture phase), so it
counts what reaches the page, whatever the test used to produce it, and it survives page
loads in the same tab through ``sessionStorage``.
"""

from __future__ import annotations

from typing import Any

_COUNTER = """
(() => {
  const KEY = "myomap-interactions";
  const bump = (kind) => {
    const counts = JSON.parse(sessionStorage.getItem(KEY) || "{}");
    counts[kind] = (counts[kind] || 0) + 1;
    sessionStorage.setItem(KEY, JSON.stringify(counts));
  };
  addEventListener("pointerdown", (e) => { if (e.isPrimary) bump("presses"); }, true);
  addEventListener("keydown", (e) => { if (!e.repeat) bump("keystrokes"); }, true);
})();
"""


def count_interactions(context: Any) -> None:
    """Install the counter on every page ``context`` opens."""
    context.add_init_script(_COUNTER)


def interactions(page: Any) -> dict[str, int]:
    """The counts so far in ``page``'s tab: presses, keystrokes and their total."""
    counts: dict[str, int] = page.evaluate(
        "() => JSON.parse(sessionStorage.getItem('myomap-interactions') || '{}')"
    )
    presses, keys = counts.get("presses", 0), counts.get("keystrokes", 0)
    return {"presses": presses, "keystrokes": keys, "total": presses + keys}


def reset_interactions(page: Any) -> None:
    page.evaluate("() => sessionStorage.removeItem('myomap-interactions')")
