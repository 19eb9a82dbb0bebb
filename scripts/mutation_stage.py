"""Lay out the project under .mutation/ for `make mutation`, so that mutmut can mutate the services' bodies.

mutmut 3 leaves every decorated function alone, and most services are `@transaction.atomic`: in the staged copy of
each mutated module that decorator is applied after the definitions instead (`name = transaction.atomic(name)`),
which is the same function at run time. Files are copied only when they changed, so that mutmut re-tests only the
functions that did.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

STAGE = Path(".mutation")
ATOMIC = re.compile(r"^@transaction\.atomic\n(def (\w+)\()", re.MULTILINE)


def without_decorators(source):
    names = [match.group(2) for match in ATOMIC.finditer(source)]
    if not names:
        return source
    source = ATOMIC.sub(r"\1", source)
    applied = "".join(f"{name} = transaction.atomic({name})\n" for name in names)
    return f"{source}\n\n# Applied here rather than as decorators, for mutmut (scripts/mutation_stage.py).\n{applied}"


def main():
    mutated = set(tomllib.loads(Path("pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"])
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    changed = 0
    for name in listed:
        source = Path(name)
        if not source.is_file():
            continue
        content = source.read_bytes()
        if name in mutated:
            content = without_decorators(content.decode()).encode()
        target = STAGE / name
        if target.is_file() and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        changed += 1
    print(f"Staged the project in {STAGE}/ ({changed} file(s) changed).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
