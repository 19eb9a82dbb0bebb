"""Nothing that is not accepted and public reaches an anonymous API response or a bulk download.

TELSOM files updates at every non-public stage, each carrying a unique marker; the accepted one carries markers
in everything the public must not see of it (comments, review notes, restricted and unconfirmed evidence, its
reporter's name and email). Then every anonymous API page and every download is fetched and searched byte by byte.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from opendata.datasets import DATASETS
from reporting import services
from reporting.models import Evidence, Update
from workprogramme.models import Initiative

pytestmark = pytest.mark.django_db

MARKER = "LEAK-9c41e2"


@pytest.fixture
def record(secretariat, telsom, reviewer):
    period = services.period_open(user=secretariat, period=services.period_create(user=secretariat, year=2026, half=2))
    telsom.first_name, telsom.last_name, telsom.email = f"{MARKER}-first", f"{MARKER}-last", f"{MARKER}@example.org"
    telsom.save()
    reviewer.first_name, reviewer.email = f"{MARKER}-reviewer", f"{MARKER}-rev@example.org"
    reviewer.save()

    def file(code, stage, submit=False):
        return services.update_create(
            user=telsom,
            period=period,
            initiative=Initiative.objects.get(code=code),
            body=telsom.body,
            values={
                "status": "in_progress",
                "progress": 30,
                "narrative": f"{MARKER}-{stage}-narrative",
                "next_steps": f"{MARKER}-{stage}-next",
                "blockers": f"{MARKER}-{stage}-blockers",
            },
            member_states=None,
            submit=submit,
        )

    file("AWPEC-1.1", "draft")
    file("AWPEC-1.2", "submitted", submit=True)
    services.update_return(
        user=reviewer, update=file("AWPEC-11", "returned", submit=True), comment=f"{MARKER}-return-comment"
    )
    services.update_withdraw(user=telsom, update=file("AWPEC-12", "withdrawn", submit=True))

    public = services.update_create(
        user=telsom,
        period=period,
        initiative=Initiative.objects.get(code="AWPEC-13"),
        body=telsom.body,
        values={
            "status": "in_progress",
            "progress": 60,
            "narrative": "Regional mechanism agreed.",
            "next_steps": f"{MARKER}-accepted-next",
            "blockers": f"{MARKER}-accepted-blockers",
        },
        submit=True,
    )
    services.comment_add(user=telsom, update=public, text=f"{MARKER}-comment")
    unconfirmed = services.evidence_add_link(
        user=telsom, update=public, title=f"{MARKER}-unconfirmed-title", url=f"https://example.org/{MARKER}-unconfirmed"
    )
    services.evidence_add_link(
        user=telsom,
        update=public,
        title=f"{MARKER}-restricted-title",
        url=f"https://example.org/{MARKER}-restricted",
        disclosure="restricted",
        restriction_reason="Shared in confidence",
    )
    public = services.update_accept(user=reviewer, update=Update.objects.get(pk=public.pk))
    # Accepted before disclosure was reviewed, as rows from before disclosure existed: proposed public only.
    Evidence.objects.filter(pk=unconfirmed.pk).update(disclosure_confirmed=False)
    Update.objects.filter(pk=public.pk).update(review_comment=f"{MARKER}-review-note")
    return public


def anonymous_api_bodies(client):
    for path in ["programmes", "bodies", "member-states", "initiatives", "public/updates"]:
        url = f"/api/v1/{path}/?page_size=500"
        while url:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            yield url, response.content
            url = response.json().get("next")


def download_bodies(client, period):
    for slug, dataset in DATASETS.items():
        for fmt in ("csv", "xlsx", "json"):
            for query in [""] + ([f"?period={period.code}"] if dataset.per_period else []):
                url = f"/open-data/{slug}.{fmt}{query}"
                response = client.get(url)
                assert response.status_code == 200, url
                content = b"".join(response.streaming_content) if response.streaming else response.content
                yield url, content


def test_no_marker_reaches_the_anonymous_api_or_the_downloads(record, client):
    cache.clear()
    api = APIClient()
    fetched = list(anonymous_api_bodies(api)) + list(download_bodies(client, record.period))
    fetched.append(("/open-data/", client.get("/open-data/").content))

    leaks = [url for url, content in fetched if MARKER.encode() in content]
    assert leaks == []

    # The accepted update itself is there, with its restricted evidence counted by reason.
    public = api.get("/api/v1/public/updates/", {"period": record.period.code}).json()["results"]
    assert [row["narrative"] for row in public] == ["Regional mechanism agreed."]
    reasons = {w["reason"]: w["count"] for w in public[0]["withheld_evidence"]}
    assert reasons["Shared in confidence"] == 1 and sum(reasons.values()) == 2
    assert public[0]["evidence"] == []
    assert any(b"Regional mechanism agreed." in content for url, content in fetched if "updates.csv" in url)


def test_xlsx_downloads_hide_no_marker_in_compressed_parts(record, client):
    """XLSX is a ZIP: search the unpacked text of every part, not the compressed bytes."""
    import io
    import zipfile

    for url, content in download_bodies(client, record.period):
        if url.split("?")[0].endswith(".xlsx"):
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                for name in archive.namelist():
                    assert MARKER.encode() not in archive.read(name), (url, name)
