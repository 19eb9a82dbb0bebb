"""What moved since the last review: an update set beside the line's last accepted one, with the changes marked.

A reviewer reads the new update against what ACCEC last accepted for the same line (and output): status,
progress, the narrative as a redline, the per-Member-State statuses and the evidence added.
"""

import difflib
import re
from dataclasses import dataclass, field

from .models import Update

# Words with the spaces and punctuation that follow them, so that a redline reads as the text does.
WORDS = re.compile(r"\S+\s*|\s+")


@dataclass
class Comparison:
    previous: Update | None
    facts: list = field(default_factory=list)  # (label, before, after, changed)
    narrative: list = field(default_factory=list)  # (op, text): op is "same", "deleted" or "inserted"
    member_states: list = field(default_factory=list)  # (member state, before, after, changed)
    evidence_added: list = field(default_factory=list)

    @property
    def narrative_changed(self):
        return any(op != "same" for op, _ in self.narrative)


def last_accepted(update):
    """The line's (or output's) accepted update that this one follows: the newest before it, whoever filed it."""
    return (
        Update.objects.followed_by(update)
        .select_related("period", "body", "author")
        .prefetch_related("member_state_progress__member_state", "evidence")
        .first()
    )


def redline(before, after):
    """[(op, text)] turning `before` into `after` word by word (difflib), for <del>/<ins> in the template."""
    old, new = WORDS.findall(before or ""), WORDS.findall(after or "")
    marked = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            marked.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            marked.append(("deleted", "".join(old[i1:i2])))
        if j2 > j1:
            marked.append(("inserted", "".join(new[j1:j2])))
    return marked


def _progress(update):
    return "not stated" if update is None or update.progress is None else f"{update.progress}%"


def compare(update):
    """The update beside the line's last accepted one. Three queries, whatever the length of either."""
    previous = last_accepted(update)
    status_before = previous.get_status_display() if previous else "no accepted update yet"
    reason_before = (
        f"{previous.get_reason_display()}: {previous.reason_explanation}" if previous and previous.reason else ""
    )
    reason_after = f"{update.get_reason_display()}: {update.reason_explanation}" if update.reason else ""
    facts = [
        ("Status", status_before, update.get_status_display()),
        ("Progress", _progress(previous), _progress(update)),
        ("Reason", reason_before or "none", reason_after or "none"),
    ]
    states_before = {
        row.member_state: row.get_status_display() for row in (previous.member_state_progress.all() if previous else [])
    }
    states_after = {row.member_state: row.get_status_display() for row in update.member_state_progress.all()}
    member_states = [
        (state, states_before.get(state, "not stated"), states_after.get(state, "not stated"))
        for state in sorted(states_before.keys() | states_after.keys(), key=lambda s: s.position)
    ]
    known = {(e.kind, e.url, e.sha256, e.title) for e in previous.evidence.all()} if previous else set()
    return Comparison(
        previous=previous,
        facts=[(label, before, after, before != after) for label, before, after in facts],
        narrative=redline(previous.narrative if previous else "", update.narrative),
        member_states=[(state, before, after, before != after) for state, before, after in member_states],
        evidence_added=[e for e in update.evidence.all() if (e.kind, e.url, e.sha256, e.title) not in known],
    )
