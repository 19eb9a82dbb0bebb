"""The programme page lays a plan out as in its document; a plan many times the real one shows each area's first
lines, says how many there are and links to all of them in the filtered list (issue 16)."""

import pytest

from workprogramme import views
from workprogramme.models import Area, InitiativeListing

pytestmark = pytest.mark.django_db


def busiest_area(programme):
    listings = InitiativeListing.objects.filter(programme__code=programme)
    area_id = max(set(listings.values_list("area", flat=True)), key=lambda a: listings.filter(area=a).count())
    return Area.objects.get(pk=area_id), listings.filter(area=area_id).order_by("position")


def test_the_real_plan_is_laid_out_whole(client):
    area, listings = busiest_area("DIFAP")
    assert listings.count() <= views.LINES_PER_AREA  # the real document fits: every line is on the page

    content = client.get("/programmes/DIFAP/").content.decode()

    assert all(
        listing.initiative.code in content for listing in InitiativeListing.objects.filter(programme__code="DIFAP")
    )
    assert "lines in this area, in the document" not in content


def test_a_larger_plan_shows_each_areas_first_lines_and_links_to_the_rest(client, monkeypatch):
    monkeypatch.setattr(views, "LINES_PER_AREA", 3)
    area, listings = busiest_area("DIFAP")

    content = client.get("/programmes/DIFAP/").content.decode()

    codes = [listing.initiative.code for listing in listings]
    assert all(f">{code}<" in content for code in codes[:3])
    assert not any(f">{code}<" in content for code in codes[3:])
    assert f"The first 3 of {len(codes)} lines in this area" in content
    assert f"/initiatives/?programme=DIFAP&amp;area={area.code}" in content
    listed = client.get(f"/initiatives/?programme=DIFAP&area={area.code}").content.decode()
    assert all(code in listed for code in codes)


def test_the_body_list_pages_its_bodies(client, monkeypatch):
    from workprogramme.models import Body

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    acronyms = list(Body.objects.order_by("acronym").values_list("acronym", flat=True))

    first = client.get("/bodies/").content.decode()
    second = client.get("/bodies/?page=2").content.decode()

    assert f"Bodies 1–5 of {len(acronyms)}" in first
    assert all(f">{a}</a>" in first for a in acronyms[:5]) and f">{acronyms[5]}</a>" not in first
    assert f">{acronyms[5]}</a>" in second
