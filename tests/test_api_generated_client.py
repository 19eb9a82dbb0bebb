"""A Python client generated from /api/schema/ does a reporter's round trip against a live server (issue 17): if the
generated client cannot express a call, the schema is wrong. This is what a body's own system does."""

import importlib
import subprocess
import sys
import urllib.request
from pathlib import Path

from .live_api import ROOT, live_api

# pytest finds the fixture by name in this module.
FIXTURES = (live_api,)
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def generate(live_api, folder):
    """Generates the client as the README says, into `folder`, and imports it."""
    schema = folder / "schema.json"
    schema.write_bytes(urllib.request.urlopen(f"{live_api.url}/api/schema/?format=json", timeout=30).read())
    generated = subprocess.run(
        [GENERATOR, "generate", "--path", schema, "--meta", "none", "--output-path", folder / "tracker_client"]
        + ["--config", ROOT / "docs" / "api-client.yaml"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # A warning means a part of the API the client could not express.
    assert generated.returncode == 0 and "Warning" not in generated.stdout, generated.stdout + generated.stderr
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("tracker_client")
    finally:
        sys.path.remove(str(folder))


def test_telsom_files_an_update_with_evidence_through_a_generated_client(live_api, tmp_path):
    tracker = generate(live_api, tmp_path)
    from tracker_client.api.v1 import (
        v1_expected_reports_list,
        v1_periods_list,
        v1_updates_bulk_create,
        v1_updates_create,
        v1_updates_evidence_create,
        v1_updates_partial_update,
        v1_updates_retrieve,
        v1_updates_submit_create,
    )
    from tracker_client.models import (
        Bulk,
        BulkItem,
        EvidenceLink,
        PaginatedExpectedReportList,
        PatchedUpdatePatch,
        StatusEnum,
        UpdateCreate,
        V1PeriodsListState,
    )

    telsom = tracker.AuthenticatedClient(base_url=live_api.url, token=live_api.tokens["telsom"], prefix="Token")

    period = v1_periods_list.sync(client=telsom, state=V1PeriodsListState.OPEN).results[0].code
    owed = v1_expected_reports_list.sync(client=telsom, period=period, body="TELSOM", received=False, page_size=500)
    assert isinstance(owed, PaginatedExpectedReportList) and len(owed.results) >= 3
    first, second, third = (report.initiative for report in owed.results[-3:])

    draft = v1_updates_create.sync(
        client=telsom,
        body=UpdateCreate(
            initiative=first, period=period, status=StatusEnum.IN_PROGRESS, progress=40, narrative="Survey sent."
        ),
        idempotency_key=f"client-test-{period}-create",
    )
    assert (draft.state.value, draft.body, draft.progress) == ("draft", "TELSOM", 40)

    read = v1_updates_retrieve.sync_detailed(id=draft.id, client=telsom)
    changed = v1_updates_partial_update.sync(
        id=draft.id, client=telsom, body=PatchedUpdatePatch(progress=55), if_match=read.headers["ETag"]
    )
    assert changed.progress == 55

    evidence = v1_updates_evidence_create.sync(
        id=draft.id,
        client=telsom,
        body=EvidenceLink(title="Survey questionnaire", url="https://example.org/telsom/survey%202026.pdf"),
    )
    assert evidence.url == "https://example.org/telsom/survey%202026.pdf"

    submitted = v1_updates_submit_create.sync(id=draft.id, client=telsom)
    assert submitted.state.value == "submitted"
    assert [e.title for e in submitted.evidence] == ["Survey questionnaire"]

    # The README's bulk filing: sent twice with one Idempotency-Key, it files once and answers the same.
    bulk = Bulk(
        period=period,
        updates=[
            BulkItem(initiative=second, status=StatusEnum.IN_PROGRESS, progress=50, narrative="Mapping under way."),
            BulkItem(initiative=third, status=StatusEnum.NOT_STARTED, progress=0, narrative="Starts next year."),
        ],
    )
    filed = v1_updates_bulk_create.sync_detailed(client=telsom, body=bulk, idempotency_key=f"client-test-{period}")
    again = v1_updates_bulk_create.sync_detailed(client=telsom, body=bulk, idempotency_key=f"client-test-{period}")
    assert filed.status_code == again.status_code == 201
    assert [u.id for u in filed.parsed] == [u.id for u in again.parsed]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert {u.state.value for u in filed.parsed} == {"submitted"}

    still_owed = v1_expected_reports_list.sync(
        client=telsom, period=period, body="TELSOM", received=False, page_size=500
    )
    assert not {first, second, third} & {report.initiative for report in still_owed.results}
