"""Per-module mutation scores from mutmut's results (run by `make mutants`).

mutmut mutates only the lines the selected tests cover (`mutate_only_covered_lines`), so every
mutant counted here is a covered one. A module passes at 90% killed; the survivors are listed
so each can be explained in mutation/README.md or killed with a better test.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

THRESHOLD = 0.90
KILLED = {1, 3, 24, 36, 37, 152, 255, -24}  # failed test, pytest error, timeouts, type check
NOT_RUN = {5, 33, 34, None}  # no test reached the mutant, or it was skipped


def module_results(mutants_dir: Path) -> dict[str, dict[str, int | None]]:
    results: dict[str, dict[str, int | None]] = defaultdict(dict)
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        module = str(meta.relative_to(mutants_dir)).removesuffix(".meta")
        exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
        results[module].update(exit_codes)
    return results


def main(mutants_dir: str = "mutants") -> int:
    results = module_results(Path(mutants_dir))
    if not results:
        print("No mutmut results found: run `make mutants` first.", file=sys.stderr)
        return 2
    failed = False
    print(f"{'module':45} {'mutants':>8} {'killed':>7} {'survived':>9} {'score':>7}")
    for module, codes in sorted(results.items()):
        counted = {key: code for key, code in codes.items() if code not in NOT_RUN}
        killed = sum(1 for code in counted.values() if code in KILLED)
        survivors = sorted(key for key, code in counted.items() if code == 0)
        score = killed / len(counted) if counted else 1.0
        failed |= score < THRESHOLD
        print(f"{module:45} {len(counted):>8} {killed:>7} {len(survivors):>9} {score:>7.1%}")
        for key in survivors:
            print(f"    survived: {key}")
    print(f"\nEvery module must kill at least {THRESHOLD:.0%} of its covered mutants.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
