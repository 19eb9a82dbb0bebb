"""Reading the TIMELINE column, which mixes target years, several years, 'Ongoing', 'Biannual' and 'Completed'."""

import re
from typing import NamedTuple

from django.db import models


class TimelineKind(models.TextChoices):
    YEAR = "year", "Target year"
    YEARS = "years", "Several years (one per output)"
    ONGOING = "ongoing", "Ongoing"
    RECURRING = "recurring", "Recurring (biannual)"
    NONE = "none", "None given"


class Timeline(NamedTuple):
    kind: str
    years: tuple[int, ...]
    completed: bool  # 'Completed' is a status printed in the timeline column, not a date

    @property
    def target_year(self):
        return max(self.years) if self.years else None


YEAR = re.compile(r"\b(20\d\d)\b")


def parse_timeline(printed: str) -> Timeline:
    text = " ".join(printed.split()).lower()
    years = tuple(int(y) for y in YEAR.findall(text))
    if text in ("ongoing", "on going", "on-going"):
        return Timeline(TimelineKind.ONGOING, (), False)
    if text in ("biannual", "bi-annual", "semi-annual"):
        return Timeline(TimelineKind.RECURRING, (), False)
    if text == "completed":
        return Timeline(TimelineKind.NONE, (), True)
    if YEAR.sub("", text).strip():
        raise ValueError(f"Unreadable timeline {printed!r}: expected years, Ongoing, Biannual, Completed or blank.")
    if len(years) == 1:
        return Timeline(TimelineKind.YEAR, years, False)
    if years:
        return Timeline(TimelineKind.YEARS, years, False)
    return Timeline(TimelineKind.NONE, (), False)
