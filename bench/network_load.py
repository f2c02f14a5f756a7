"""Load + compile the default world, cold, in a fresh process per run. Target: < 1 s."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

PROBE = """
import time
t0 = time.perf_counter()
from routing.network.graph import load_network
t1 = time.perf_counter()
network = load_network()
t2 = time.perf_counter()
print({"import_s": t1 - t0, "load_compile_s": t2 - t1,
       "nodes": len(network.nodes), "services": len(network.services)})
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
        )
        runs.append(json.loads(out.stdout.replace("'", '"')))
    load = [r["load_compile_s"] for r in runs]
    print(f"default world: {runs[0]['nodes']} nodes, {runs[0]['services']} services")
    print(
        f"load + validate + compile: median {statistics.median(load) * 1000:.0f} ms, "
        f"max {max(load) * 1000:.0f} ms over {args.runs} cold runs (target < 1000 ms)"
    )
    print(
        f"python imports before it: median "
        f"{statistics.median(r['import_s'] for r in runs) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
