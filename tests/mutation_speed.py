"""A pytest plugin for `make mutation` only: each mutant's tests in the order most likely to catch it first.

Every mutant starts a test session and stops at its first failing test (-x), so the tests written for the mutated
module run before the others that merely pass through it; and the demo people are hashed with a fast hasher
(some twenty PBKDF2 hashes cost seconds per session; the mutated modules never hash a password). The normal suite
is untouched.
"""

import os

# The mutated module (mutmut names the mutant "reporting.services.x_update_accept__mutmut_3") -> its own tests.
OWN_TESTS = {
    "idempotency.": ["test_idempotency_edges.py", "test_api_updates.py", "test_api_evidence.py", "test_api_bulk.py"],
    "reporting.permissions.": ["test_update_permissions.py", "test_evidence_removal.py", "test_permission_matrix.py"],
    "reporting.services.": [
        "test_update_validation.py",
        "test_update_workflow.py",
        "test_update_permissions.py",
        "test_evidence.py",
        "test_evidence_removal.py",
        "test_periods.py",
        "test_baseline.py",
        "test_api_bulk.py",
    ],
    "reports.rollup.": ["test_report_rollup_edges.py", "test_report_rollup.py"],
    "workprogramme.loading.": ["test_loading.py", "test_catalogue_import.py", "test_timelines.py"],
}


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(items):
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    own = next((files for prefix, files in OWN_TESTS.items() if mutant.startswith(prefix)), [])
    if not own:
        return

    def rank(item):
        name = item.path.name
        return own.index(name) if name in own else len(own)

    items.sort(key=rank)  # stable: each file's tests keep their order
