"""One spelling per account: the normal form of a username."""

from __future__ import annotations

import unicodedata


def username_normalise(raw: str) -> str:
    """Return the one form a username is stored and looked up in.

    Unicode NFKC (so a full-width ``ｓ`` is ``s``), surrounding white space removed, case
    folded (so ``Sam`` and ``SAM`` are ``sam``), and NFKC again, since case folding can
    leave a string that is no longer in normal form.
    """
    folded = unicodedata.normalize("NFKC", raw).strip().casefold()
    return unicodedata.normalize("NFKC", folded)
