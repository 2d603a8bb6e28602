"""Benchmark: validate 1,000 generated routine files; print ms per file.

Target (issue 2): 3 ms or less per file on the 2-core reference machine.
For scale it also times PyYAML's plain pure-Python SafeLoader on the same
files (about 2 ms here), so the figure can be read as a ratio too.

Run: .venv/bin/python tests/benchmarks/bench_validate.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

from coach.routines import read_routine_file

TARGET_MS = 3.0


def generate(rng: random.Random, routine_id: str) -> str:
    """A realistic routine: 6-12 steps of mixed kinds, lists of instructions."""
    lines = [
        f"# generated routine {routine_id}",
        "format: 1",
        f"id: {routine_id}",
        f"title: Generated routine {routine_id}",
        "summary: >",
        "  A generated routine with a summary long enough to look like the",
        "  built-in ones, folded over two lines.",
        f"category: {rng.choice(['stretch', 'strength', 'posture', 'rest'])}",
        "tags: [lower-back, gentle]",
        "equipment: [mat, chair]",
        "use_when: {phases: [subacute, chronic], since_onset: {min: 48h}}",
        "frequency: {times_per_day: {min: 1, max: 3}, min_gap: 2h}",
        "pain_check: {before: true, after: true}",
        "cautions:",
        "  - Move slowly and stop at a mild pull.",
        "  - Keep breathing.",
        "stop_if:",
        "  - Pain spreads below the knee.",
        "  - Numbness or tingling.",
        "sources:",
        """  - 'Article "How to Treat Back Spasms": stretch the hips and back'""",
        "steps:",
        "  - kind: info",
        "    title: Get ready",
        "    instructions:",
        "      - Lie on your back on a mat.",
        "      - Bend your knees.",
    ]
    heat_given = False  # a routine holds at most 20 minutes of heat in all (coach.skin)
    for n in range(rng.randint(6, 12)):
        kind = rng.choice(["hold", "exercise", "timer", "position", "therapy", "repeat"])
        lines.append(f"  - kind: {kind}")
        lines.append(f"    title: Step {n} of the generated routine")
        lines.append("    instructions:")
        lines += [f"      - Instruction line {i} for this step, plainly written." for i in range(3)]
        if kind != "repeat":
            lines.append("    cues: [Breathe out, Keep it gentle]")
        if kind == "hold":
            lines += ["    hold: 20s", "    reps: 3", "    sides: both"]
        elif kind == "exercise":
            lines += ["    reps: {min: 5, max: 10}", "    sets: 2", "    hold: 2s", "    sides: alternate"]
        elif kind in ("timer", "position"):
            lines += [f"    duration: {rng.randint(1, 5)}m"]
        elif kind == "therapy" and not heat_given:
            lines += ["    modality: heat", "    duration: 15m", "    max_duration: 20m",
                      "    remind: {every: 5m, text: Check your skin}"]
            heat_given = True
        elif kind == "therapy":
            lines += ["    modality: pressure", "    duration: 1m", "    max_duration: 3m",
                      "    remind: {every: 30s, text: Breathe out slowly}"]
        else:
            lines += ["    times: 3", "    steps:", "      - kind: timer", "        title: Breathe in",
                      "        duration: 4s", "      - kind: timer", "        title: Breathe out", "        duration: 6s"]
    return "\n".join(lines) + "\n"


def main() -> int:
    rng = random.Random(2)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for i in range(1000):
            path = folder / f"routine-{i}.yaml"
            path.write_text(generate(rng, f"routine-{i}"))
            paths.append(path)
        size = sum(p.stat().st_size for p in paths) / len(paths)

        for path in paths[:20]:  # warm up imports and caches
            read_routine_file(path)
        started = time.perf_counter()
        for path in paths:
            read_routine_file(path)
        ours = (time.perf_counter() - started) * 1000 / len(paths)

        started = time.perf_counter()
        for path in paths:
            yaml.load(path.read_bytes(), Loader=yaml.SafeLoader)  # noqa: S506 - reference only
        plain = (time.perf_counter() - started) * 1000 / len(paths)

    print(f"files: 1000, average size {size / 1024:.1f} KiB")
    print(f"coach validate: {ours:.2f} ms per file (target {TARGET_MS:.1f} ms)")
    print(f"plain PyYAML SafeLoader (pure Python): {plain:.2f} ms per file")
    print(f"ratio coach / plain PyYAML: {ours / plain:.2f}")
    ok = ours <= TARGET_MS
    print("PASS" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
