"""Print the kill rate per mutated module from mutmut's results (mutants/**/*.meta), for `make mutation`.

A mutant counts as killed when a test failed with it or it ran past its time (an endless loop is caught too);
"no tests" means no selected test reached its function, which counts against the module. Mutants not run yet
(a run stopped, or limited with MUTANTS=...) are counted apart and left out of the rate.
"""

import json
import sys
from pathlib import Path

KILLED = {1, 3, -24, 24, 152, 255, 36}  # a test failed, or the mutant timed out (see mutmut.stats)
SURVIVED = {0}
NO_TESTS = {5, 33}


def module_results(root=Path("mutants")):
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if codes:
            yield {
                "module": str(meta.relative_to(root)).removesuffix(".meta"),
                "killed": sum(1 for code in codes.values() if code in KILLED),
                "checked": sum(1 for code in codes.values() if code is not None),
                "not_run": sum(1 for code in codes.values() if code is None),
                "survived": sorted(name for name, code in codes.items() if code in SURVIVED),
                "no_tests": sorted(name for name, code in codes.items() if code in NO_TESTS),
            }


def main():
    results = list(module_results())
    if not results:
        print("No mutmut results under mutants/: run `make mutation` first.")
        return 1
    print(f"{'module':32} {'killed':>6} {'total':>6} {'rate':>7} {'not run':>8}")
    for row in results:
        rate = f"{100 * row['killed'] / row['checked']:.1f} %" if row["checked"] else "-"
        print(f"{row['module']:32} {row['killed']:>6} {row['checked']:>6} {rate:>7} {row['not_run']:>8}")
    for row in results:
        print("".join(f"survived  {name}\n" for name in row["survived"]), end="")
        print("".join(f"no tests  {name}\n" for name in row["no_tests"]), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
