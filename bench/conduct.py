"""Quality and speed of the conduct classifier on the labelled chat messages in tests/data.

    .venv/bin/python bench/conduct.py [--repeat 20] [--skip-blind]

Prints, for each training set (the messages the rules were written against and the chat model
learned from, see docs/conduct.md; on these the figures flatter), precision and recall of
`flagged` overall and per language, how often a flagged message got the expected category, and
the messages it got wrong. Then the blind set (tests/data/conduct_blind.jsonl: written by
someone else from the labelling guide alone, never read by whoever writes the rules, never
trained on), as aggregate figures only: no message of it is ever printed, so running the bench
does not show it (`--skip-blind` leaves it out altogether). Figures for messages the model did
not learn from, without spending the blind set, come from cross-validation:
`python -m bench.conduct_train --cv`. Then the time per message (every training message,
`--repeat` times, after a warm-up): p50, p95, p99 of the thread's CPU time and of wall time
(noisy when other processes share the CPUs). For comparison it also scores alt-profanity-check
alone (`predict_prob >= 0.5`) on the English messages, as its README suggests using it. A
measurement, not a test: docs/conduct.md explains the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bot.domain.conduct import assess, warm

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {
    "tuning (rules written on it)": DATA / "conduct_labelled.jsonl",
    "held-out (rules checked on it)": DATA / "conduct_heldout.jsonl",
    "first blind set (scored once, then trained on)": DATA / "conduct_blind_v1.jsonl",
    "chat (trained on)": DATA / "conduct_chat.jsonl",
}
BLIND = DATA / "conduct_blind.jsonl"


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pr(rows: list[dict], flags: list[bool]) -> tuple[float, float, int, int, int]:
    tp = sum(1 for r, f in zip(rows, flags, strict=True) if f and r["flagged"])
    fp = sum(1 for r, f in zip(rows, flags, strict=True) if f and not r["flagged"])
    fn = sum(1 for r, f in zip(rows, flags, strict=True) if not f and r["flagged"])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


def report(name: str, rows: list[dict], show_messages: bool = True) -> None:
    verdicts = [assess(r["text"]) for r in rows]
    flags = [v.flagged for v in verdicts]
    benign = sum(1 for r in rows if not r["flagged"])
    print(f"\n{name}: {len(rows)} messages, {benign} benign ({benign / len(rows):.0%})")
    p, r, tp, fp, fn = pr(rows, flags)
    print(f"  overall      precision {p:.3f}  recall {r:.3f}   (tp {tp}, fp {fp}, fn {fn})")
    for lang in sorted({row["lang"] for row in rows}):
        idx = [i for i, row in enumerate(rows) if row["lang"] == lang]
        p, r, tp, fp, fn = pr([rows[i] for i in idx], [flags[i] for i in idx])
        print(f"  {lang:<12} precision {p:.3f}  recall {r:.3f}   (tp {tp}, fp {fp}, fn {fn})")
    both = [(row, v) for row, v in zip(rows, verdicts, strict=True) if row["flagged"] and v.flagged]
    right = sum(1 for row, v in both if v.category == row.get("category"))
    lang_ok = sum(1 for row, v in zip(rows, verdicts, strict=True) if row["lang"] == v.lang)
    print(f"  category right on {right}/{len(both)} true flags; language right on {lang_ok}/{len(rows)}")
    if not show_messages:
        return
    wrong = [
        (row, v)
        for row, v in zip(rows, verdicts, strict=True)
        if row["flagged"] != v.flagged or (v.flagged and v.category != row["category"])
    ]
    for row, v in wrong:
        kind = (
            "missed"
            if row["flagged"] and not v.flagged
            else "false flag"
            if v.flagged and not row["flagged"]
            else "category"
        )
        got = v.category.value if v.category else "-"
        print(f"    {kind:<10} [{row['lang']}] expected {row['category'] or '-'}, got {got}: {row['text']}")


def model_alone(rows: list[dict]) -> None:
    try:
        from profanity_check import predict_prob
    except ImportError:
        print("\nalt-profanity-check is not installed: no baseline")
        return
    english = [r for r in rows if r["lang"] == "en"]
    flags = [p >= 0.5 for p in predict_prob([r["text"] for r in english])]
    p, r, tp, fp, fn = pr(english, flags)
    print(f"\nalt-profanity-check alone, English messages of the training sets ({len(english)}):")
    print(f"  precision {p:.3f}  recall {r:.3f}   (tp {tp}, fp {fp}, fn {fn})")


def timing(rows: list[dict], repeat: int) -> None:
    """CPU time of the calling thread per message (what a message costs, whatever else the
    machine is doing) and wall time (what it took here, with the machine's load)."""
    texts = [r["text"] for r in rows]
    for text in texts:
        assess(text)  # warm-up: regex caches
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(repeat):
        for text in texts:
            c0, w0 = time.thread_time_ns(), time.perf_counter_ns()
            assess(text)
            wall.append((time.perf_counter_ns() - w0) / 1e6)
            cpu.append((time.thread_time_ns() - c0) / 1e6)

    def q(samples: list[float], f: float) -> float:
        return sorted(samples)[min(len(samples) - 1, int(f * len(samples)))]

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\ntime per message, {len(cpu)} calls ({os.cpu_count()} CPUs, load average {load:.1f}):")
    for name, samples in (("CPU ", cpu), ("wall", wall)):
        print(
            f"  {name}  p50 {q(samples, 0.5):.3f} ms  p95 {q(samples, 0.95):.3f} ms  "
            f"p99 {q(samples, 0.99):.3f} ms  max {max(samples):.3f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-blind", action="store_true", help="do not score the blind set")
    args = parser.parse_args()
    start = time.perf_counter()
    warm()
    print(f"rules and model loaded in {time.perf_counter() - start:.2f} s (once per process)")
    sets = {name: load(path) for name, path in SETS.items()}
    for name, rows in sets.items():
        report(name, rows)
    if BLIND.exists() and not args.skip_blind:
        # aggregate figures only: the blind set's messages are never printed
        report("blind (aggregate figures only)", load(BLIND), show_messages=False)
    model_alone([r for rows in sets.values() for r in rows])
    timing([r for rows in sets.values() for r in rows], args.repeat)


if __name__ == "__main__":
    main()
