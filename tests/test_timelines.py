import pytest

from workprogramme.timelines import TimelineKind, parse_timeline


@pytest.mark.parametrize(
    ("printed", "kind", "target_year", "completed"),
    [
        ("2019", TimelineKind.YEAR, 2019, False),
        ("Ongoing", TimelineKind.ONGOING, None, False),
        ("On going", TimelineKind.ONGOING, None, False),
        ("Biannual", TimelineKind.RECURRING, None, False),
        ("", TimelineKind.NONE, None, False),
        ("2019 2019 2020", TimelineKind.YEARS, 2020, False),
        ("Completed", TimelineKind.NONE, None, True),
    ],
)
def test_each_kind_of_timeline_cell_is_told_apart(printed, kind, target_year, completed):
    timeline = parse_timeline(printed)
    assert timeline.kind == kind
    assert timeline.target_year == target_year
    assert timeline.completed is completed


def test_an_unreadable_timeline_is_refused_with_its_text():
    with pytest.raises(ValueError, match="'sometime soon'"):
        parse_timeline("sometime soon")
