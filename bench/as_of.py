"""``as_of`` against today's answer: the same questions with and without ``as_of``, and their ratio.

    python bench/as_of.py --store var/bench/100k/store       (make bench runs it for every size)

On a copy of a built store, a writable `imvokg serve` (no warm-up) is asked each question of
bench/writes.py once (the first call: computed, X-Cache miss) and then until warm (median).
An agreement is approved over HTTP, which takes the registry's snapshot; each question is then
asked with ``as_of`` the moment of that snapshot: the first call (the snapshot opened and the
answer computed over it) and the warm median. Reported per question: the four figures and the
ratios as_of / today, first call to first call and warm to warm.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from writes import PATHS, ROOT, _timed, agreement, start_writable


def _with_as_of(path: str, moment: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}as_of={quote(moment)}"


def _first_and_warm(client: httpx.Client, paths: dict[str, str], calls: int) -> tuple[dict, dict]:
    first = {key: _timed(client, path) for key, path in paths.items()}
    warm = {
        key: statistics.median(_timed(client, path)[0] for _ in range(calls)) for key, path in paths.items()
    }
    return first, warm


def measure(store: Path, work: Path, *, warm_calls: int = 30) -> dict[str, Any]:
    served = start_writable(store, work, "as-of")
    client = served.client
    try:
        today_first, today_warm = _first_and_warm(client, PATHS, warm_calls)
        submitted = client.post(
            "/api/v1/submissions",
            content=agreement(f"bench-as-of-{int(time.time())}"),
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {served.submitter}"},
        )
        submitted.raise_for_status()
        client.post(
            f"/api/v1/submissions/{submitted.json()['id']}/approve",
            json={"valid_from": "2030-02-01", "issued": "2030-01-20"},
            headers={"Authorization": f"Bearer {served.supervisor}"},
        ).raise_for_status()
        moment = client.get("/api/v1/releases").json()[0]["since"]
        asked = {key: _with_as_of(path, moment) for key, path in PATHS.items()}
        then_first, then_warm = _first_and_warm(client, asked, warm_calls)
        for path in asked.values():  # each as_of answer names the snapshot it came from
            if client.get(path).headers.get("X-Registry-As-Of") is None:
                raise RuntimeError(f"{path} was not answered as of {moment}")
    finally:
        served.stop()
    return {
        "as_of": moment,
        "today_first_ms": {k: [round(v[0], 1), v[1]] for k, v in today_first.items()},
        "today_warm_ms": {k: round(v, 2) for k, v in today_warm.items()},
        "as_of_first_ms": {k: [round(v[0], 1), v[1]] for k, v in then_first.items()},
        "as_of_warm_ms": {k: round(v, 2) for k, v in then_warm.items()},
        "ratio_first": {k: round(then_first[k][0] / today_first[k][0], 2) for k in PATHS},
        "ratio_warm": {k: round(then_warm[k] / today_warm[k], 2) for k in PATHS},
    }


def markdown(result: dict[str, Any]) -> str:
    keys = list(PATHS)

    def row(title: str, cells: list[object]) -> str:
        return f"| {title} | " + " | ".join(str(c) for c in cells) + " |"

    return "\n".join(
        [
            row("", keys),
            row("---", ["---" for _ in keys]),
            row(
                "today, first call",
                [f"{result['today_first_ms'][k][0]} ({result['today_first_ms'][k][1]})" for k in keys],
            ),
            row(
                "as_of, first call",
                [f"{result['as_of_first_ms'][k][0]} ({result['as_of_first_ms'][k][1]})" for k in keys],
            ),
            row("ratio first calls", [result["ratio_first"][k] for k in keys]),
            row("today, warm median", [result["today_warm_ms"][k] for k in keys]),
            row("as_of, warm median", [result["as_of_warm_ms"][k] for k in keys]),
            row("ratio warm", [result["ratio_warm"][k] for k in keys]),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path, required=True, help="a built store (copied, never written)")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    result = measure(args.store, args.work)
    print(markdown(result))
    print(json.dumps(result), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
