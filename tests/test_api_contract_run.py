"""Schemathesis, with all its checks, against a live server, as no one and as each role (issue 17).

`make test` runs the examples, fuzzing and stateful phases (sequences that follow the schema's links: create an
update, read it, change it with its ETag, submit, accept or return) with one example per operation, to stay quick;
`make contract` adds the coverage phase and 40 examples per operation (CONTRACT_EXAMPLES, CONTRACT_PHASES), and its
last result is in docs/api-contract.md. Settings and the documented exceptions: schemathesis.toml.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .live_api import ROLES, ROOT, live_api

# pytest finds the fixture by name in this module.
FIXTURES = (live_api,)
EXAMPLES = os.environ.get("CONTRACT_EXAMPLES", "1")
PHASES = os.environ.get("CONTRACT_PHASES", "examples,fuzzing,stateful")
SCHEMATHESIS = Path(sys.executable).with_name("st")


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_the_api_keeps_the_contract_its_schema_states(live_api, role):
    command = [SCHEMATHESIS, "run", f"{live_api.url}/api/schema/?format=json", "--max-examples", EXAMPLES]
    command += ["--phases", PHASES, "--workers", "1", "--no-color", "--output-truncate", "false"]
    if role != "anonymous":
        command += ["--header", f"Authorization: Token {live_api.tokens[role]}"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False)
    summary = run.stdout[run.stdout.rfind("SUMMARY") :]
    print(f"\nschemathesis as {role}, phases {PHASES}, {EXAMPLES} example(s) per operation:\n{summary}")
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-3000:]
