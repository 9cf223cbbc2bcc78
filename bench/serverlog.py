#!/usr/bin/env python3
"""License-server logs (docs/reference.md "License-server logs", docs/performance.md): a generated lmgrd
debug log of SIZE MB read whole by `show` (no history: from the start), then
`record` twice around ten appended lines (the incremental read), against
`grep -c DENIED` and `wc -l` over the same file (what reading it at disk
speed costs). Peak memory by GNU time.

Run after `cargo build --release`: python3 bench/serverlog.py [--mb 1024] [--runs 3]
"""
import argparse
import os
import random
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "licusage")

LMSTAT = """lmutil - Copyright (c) 1989-2024 Flexera. All Rights Reserved.
Flexible License Manager status on Mon 12/7/2026 10:00

License server status: 27000@lic1
    License file(s) on lic1: /opt/flexlm/license.dat:

  lic1: license server UP (MASTER) v11.19.6

Vendor daemon status (on lic1):

  MLM: UP v11.19.6
Feature usage info:

"""


def generate(path, mb, features, users=2000, limit=50):
    """Days of a busy server: 2,000 users on 40 features of 50 licenses
    each; a line is a check-in of one of the open checkouts (48%) or a
    checkout (a denial when all 50 are out: a few percent of the lines); a
    TIMESTAMP line every 4096 lines, the date moving on at midnight."""
    rng = random.Random(7)
    target = mb * 1024 * 1024
    out = set()
    open_list = []
    in_use = [0] * features
    day, month, year, seconds = 1, 1, 2026, 0
    lines = []
    size = 0
    n = 0
    with open(path, "w") as f:
        f.write(f" 0:00:00 (lmgrd) FlexNet Licensing (v11.19.6.0 build 0 x64_lsb) started on lic1 (linux) ({month}/{day}/{year})\n")
        while size < target:
            seconds += rng.randint(0, 3)
            if seconds >= 86400:
                seconds -= 86400
                day += 1
                if day > 28:
                    day, month = 1, month + 1
                    if month > 12:
                        month, year = 1, year + 1
            h, m, s = seconds // 3600, seconds // 60 % 60, seconds % 60
            t = f"{h:2d}:{m:02d}:{s:02d}"
            i = rng.randrange(features)
            feature = f"F{i}"
            user = f"user{rng.randrange(users)}"
            who = f"{user}@host{user[4:]}"
            if n % 4096 == 0:
                line = f"{t} (lmgrd) TIMESTAMP {month}/{day}/{year}\n"
            elif open_list and rng.random() < 0.48:
                k = rng.randrange(len(open_list))
                open_list[k], open_list[-1] = open_list[-1], open_list[k]
                j, u = open_list.pop()
                out.discard((j, u))
                in_use[j] -= 1
                line = f'{t} (MLM) IN: "F{j}" {u}@host{u[4:]}  \n'
            elif (i, user) in out:
                line = f'{t} (MLM) OUT: "{feature}" {who}  \n'
                continue
            elif in_use[i] < limit:
                out.add((i, user))
                open_list.append((i, user))
                in_use[i] += 1
                line = f'{t} (MLM) OUT: "{feature}" {who}  \n'
            else:
                line = f'{t} (MLM) DENIED: "{feature}" {who}  (Licensed number of users already reached. (-4,342))\n'
            lines.append(line)
            n += 1
            if len(lines) >= 65536:
                chunk = "".join(lines)
                f.write(chunk)
                size += len(chunk)
                lines = []
        f.write("".join(lines))
    return n


def timed(cmd, env=None):
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, env=env)
    took = time.perf_counter() - start
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd}: exit {p.returncode}: {p.stderr[-2000:]}")
    rss = int(p.stderr.strip().splitlines()[-1]) / 1024
    return took, rss, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default=None)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=a.dir) as d:
        log = os.path.join(d, "lmgrd.log")
        lines = generate(log, a.mb, 40)
        size = os.path.getsize(log) / 1e6
        with open(os.path.join(d, "lmstat.txt"), "w") as f:
            f.write(LMSTAT)
            for i in range(40):
                f.write(f"Users of F{i}:  (Total of 500 licenses issued;  Total of 0 licenses in use)\n\n")
        config = os.path.join(d, "config.toml")
        with open(config, "w") as f:
            f.write(f'[sources.lic]\nkind = "flexlm"\nfile = "lmstat.txt"\nlog = "lmgrd.log"\n\n[history]\npath = "{d}/history.sqlite3"\n')
        print(f"log: {size:.0f} MB, {lines:,} lines")
        rows = {}
        for name, cmd in [
            ("wc -l", ["wc", "-l", log]),
            ("grep -c DENIED", ["grep", "-c", "DENIED", log]),
            ("licusage show --json (whole log)", [BIN, "--config", config, "show", "--json"]),
        ]:
            runs = [timed(cmd) for _ in range(a.runs)]
            took = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            rows[name] = (took, rss)
            print(f"{name}: {took:.2f} s ({size / took:.0f} MB/s), {rss:.1f} MiB")
        # The incremental read: a snapshot of it all, ten lines more, the next snapshot.
        took, rss, _ = timed([BIN, "-q", "--config", config, "record"])
        print(f"record, the whole log (checkout hours kept per user, feature and day): {took:.2f} s, {rss:.1f} MiB")
        incremental = []
        for i in range(a.runs):
            with open(log, "a") as f:
                for k in range(10):
                    f.write(f'23:59:5{k} (MLM) DENIED: "F1" late{i}@h  (Licensed number of users already reached. (-4,342))\n')
            incremental.append(timed([BIN, "-q", "--config", config, "record"]))
        took = statistics.median(r[0] for r in incremental)
        print(f"record after 10 new lines: {took * 1000:.1f} ms, {max(r[1] for r in incremental):.1f} MiB")
        baseline = [timed([BIN, "-q", "--config", config, "show", "--source", "lic"])[0] for _ in range(a.runs)]
        print(f"show (peeks from record's place: nothing new): {statistics.median(baseline) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
