"""The survey guidance checker on the held-aside quarter of the labelled corpus.

Reads tests/surveys/guidance_corpus/test.csv (never used to tune the rules or train the model)
and runs three checkers over each question's wording in the same run:
- the checker as shipped: rules and the trained model together;
- its rules alone (the model switched off);
- the previous checker, the surveys/guidance package as it was before issue 27 (commit
  BASELINE_COMMIT), read from git into a temporary package. Without git that column cannot be
  computed and the run says so.

Recall for a rule: the share of questions labelled with it on which the checker reports that
rule. False-alarm rate: the share of plain questions on which it reports any of the five rules.
Prints a table, the misses, and as its last line one JSON object: recall_<rule> and
false_alarm_rate for the shipped checker, rules_only_* and baseline_* for the other two, n and
n_<label> for the counts behind them.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveys.guidance.corpus import LABELLED_RULES, PLAIN, Example, load  # noqa: E402
from surveys.guidance.wording import check_wording  # noqa: E402

BASELINE_COMMIT = "029986d"
BASELINE_PACKAGE = "guidance_before_issue_27"

Checker = Callable[[str], set[str]]


def rules_found(findings) -> set[str]:
    """The corpus rules among a checker's findings."""
    return {f.rule for f in findings if f.rule in LABELLED_RULES}


def baseline_checker() -> Checker | None:
    """The previous checker's wording rules, loaded from git; None when git cannot give them."""
    where = Path(tempfile.mkdtemp(prefix="bench-checker-")) / BASELINE_PACKAGE
    where.mkdir()
    try:
        names = subprocess.run(
            [
                "git",
                "-C",
                str(ROOT),
                "ls-tree",
                "--name-only",
                BASELINE_COMMIT,
                "surveys/guidance/",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        for name in names:
            content = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{BASELINE_COMMIT}:{name}"],
                check=True,
                capture_output=True,
            ).stdout
            (where / Path(name).name).write_bytes(content)
    except (OSError, subprocess.CalledProcessError):
        return None
    sys.path.insert(0, str(where.parent))
    wording = importlib.import_module(f"{BASELINE_PACKAGE}.wording")
    return lambda text: rules_found(wording.check_wording(text))


def measure(checker: Checker, examples: list[Example]) -> tuple[dict[str, float], list[str]]:
    """Recall per rule and the false-alarm rate, and a line for each miss or false alarm."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter(e.label for e in examples)
    misses = []
    for example in examples:
        found = checker(example.text)
        if example.label == PLAIN:
            if found:
                hits[PLAIN] += 1
                misses.append(f"  false alarm {sorted(found)}: {example.text}")
        elif example.label in found:
            hits[example.label] += 1
        else:
            misses.append(f"  missed {example.label}: {example.text}")
    figures = {f"recall_{rule}": round(hits[rule] / totals[rule], 3) for rule in LABELLED_RULES}
    figures["false_alarm_rate"] = round(hits[PLAIN] / totals[PLAIN], 3)
    return figures, misses


def main() -> None:
    """Measure the three checkers and print the table, the misses and the JSON line."""
    examples = load("test")
    counts = Counter(e.label for e in examples)
    checkers: dict[str, Checker | None] = {
        "shipped": lambda text: rules_found(check_wording(text)),
        "rules_only": lambda text: rules_found(check_wording(text, use_model=False)),
        "baseline": baseline_checker(),
    }
    summary: dict[str, object] = {}
    print(f"held-aside questions: {len(examples)} ({dict(sorted(counts.items()))})")
    for name, checker in checkers.items():
        if checker is None:
            print(f"{name}: cannot be computed (git could not give commit {BASELINE_COMMIT})")
            continue
        figures, misses = measure(checker, examples)
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
        if name == "shipped":
            print("\n".join(misses) or "  no misses")
            summary.update(figures)
        else:
            summary.update({f"{name}_{k}": v for k, v in figures.items()})
    summary["n"] = len(examples)
    summary.update({f"n_{label}": counts[label] for label in (PLAIN, *LABELLED_RULES)})
    summary["target_recall"] = 0.9
    summary["target_false_alarm_rate"] = 0.05
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
