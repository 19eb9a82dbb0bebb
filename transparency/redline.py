"""Draft texts as the public reads them: bracketed passages marked, and a redline against the previous version.

Both return (kind, text) pieces that the template escapes; no HTML is built here. The diff is Python's difflib
(SequenceMatcher) over words, so a change of one word shows as that word, not as a whole line.
"""

import re
from difflib import SequenceMatcher

BRACKETED = re.compile(r"(\[[^\[\]]*\])")
WORDS = re.compile(r"\s+|[^\s]+")


def bracketed(text):
    """[("text", "..."), ("bracketed", "[...]"), ...]: the passages still under negotiation."""
    return [("bracketed" if BRACKETED.fullmatch(part) else "text", part) for part in BRACKETED.split(text) if part]


def redline(old, new):
    """[("same" | "inserted" | "deleted", words), ...] turning `old` into `new`."""
    before, after = WORDS.findall(old), WORDS.findall(new)
    pieces = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(before[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("deleted", "".join(before[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("inserted", "".join(after[j1:j2])))
    return pieces
