#!/usr/bin/env python3
"""4D grouping at scale: `License usage` collections with N elements of N
distinct productIds (the worst case for grouping), read by the release binary.
Prints the wall time and peak memory for each size (docs/performance.md).
Run: cargo build --release && python3 bench/fourd.py
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "licusage")


def generate(path, n):
    with open(path, "w") as f:
        f.write("[")
        for i in range(n):
            if i:
                f.write(",")
            json.dump({"productId": i, "productName": f"Product {i}", "productUsedCount": 1, "productBalance": 9,
                       "token": i, "time": "2026-11-23T07:58:11Z", "reason": "remote session",
                       "session": {"type": "remote", "userName": f"user{i}", "IPAddress": "10.0.0.1"}}, f)
        f.write("]")


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 200_000, 1_000_000]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = os.path.join(tmp, f"4d-{n}.json")
            generate(path, n)
            mb = os.path.getsize(path) / 1e6
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.perf_counter()
            out = subprocess.run([BIN, "4d", "--file", path, "--format", "ndjson"], stdout=subprocess.PIPE, check=True)
            took = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            records = out.stdout.count(b"\n")
            print(f"{n:>9} elements ({mb:6.1f} MB): {records} records in {took:6.2f} s, peak RSS {max(peak, before) / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
