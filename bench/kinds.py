#!/usr/bin/env python3
"""The flexlm and generic kinds against the tools people use for the same job
(docs/performance.md): `flexlm --file` over a 10,000-checkout lmstat output
against awk, and a `generic` source over a 10 MB document against jq.

Run after `cargo build --release`: python3 bench/kinds.py [--runs N]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "licusage")

AWK_HOLDERS = r"""
/^Users of / { f = $3; sub(/:$/, "", f); next }
/, start / { n = 1; if (match($0, /, [0-9]+ licenses/)) { n = substr($0, RSTART + 2, RLENGTH - 11) + 0 }
             print f "," $1 "," $2 "," n }
"""

JQ_RECORDS = r'.value[] | [.skuPartNumber, "licenses", .consumedUnits, .prepaidUnits.enabled] | @csv'
LICUSAGE_JQ = '.value[] | {id: .skuId, product: .skuPartNumber, metric: "licenses", used: .consumedUnits, limit: .prepaidUnits.enabled}'


def lmstat(path, features, users):
    rng = random.Random(11)
    with open(path, "w") as f:
        f.write("lmutil - Copyright (c) 1989-2024 Flexera. All Rights Reserved.\n")
        f.write("Flexible License Manager status on Tue 11/24/2026 10:00\n\n")
        f.write("License server status: 27000@lic1\n    License file(s) on lic1: /opt/flexlm/license.dat:\n\n")
        f.write("      lic1: license server UP (MASTER) v11.19.6\n\nVendor daemon status (on lic1):\n\n       MLM: UP v11.19.6\n")
        f.write("Feature usage info:\n\n")
        per = users // features
        for i in range(features):
            f.write(f"Users of F{i}:  (Total of {per * 3} licenses issued;  Total of {per} licenses in use)\n\n")
            f.write(f'  "F{i}" v52, vendor: MLM, expiry: 30-dec-2027\n  floating license\n\n')
            for u in range(per):
                h = rng.randint(0, 999)
                f.write(f"    user{u} host{h} host{h}:0 (v50) (lic1/27000 {u}01), start Tue 11/24 {u % 10}:{u % 60:02d}, PID: {rng.randint(1, 99999)}\n")
            f.write("\n")


def graph(path, target_bytes):
    rng = random.Random(5)
    items = []
    size = 0
    i = 0
    while size < target_bytes:
        item = {
            "capabilityStatus": "Enabled",
            "consumedUnits": rng.randint(0, 5000),
            "id": f"tenant_{i:08x}",
            "skuId": f"{i:08x}-0000-4000-8000-{i:012x}",
            "skuPartNumber": f"SKU_{i}",
            "prepaidUnits": {"enabled": 5000, "suspended": 0, "warning": 0, "lockedOut": 0},
            "servicePlans": [{"servicePlanId": f"{i:032x}", "servicePlanName": "EXCHANGE_S_ENTERPRISE", "provisioningStatus": "Success"}],
        }
        text = json.dumps(item)
        size += len(text) + 1
        items.append(text)
        i += 1
    with open(path, "w") as f:
        f.write('{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#subscribedSkus","value":[')
        f.write(",".join(items))
        f.write("]}")
    return i


def measure(argv, runs, stdout_path=None):
    """Median wall time and peak RSS (MiB) of `argv`, and its output."""
    times = []
    rss = 0
    out = b""
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
        rss = max(rss, int(p.stderr.decode().strip().splitlines()[-1]) / 1024)
        out = p.stdout
    return statistics.median(times), rss, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lm = os.path.join(tmp, "lmstat.txt")
        lmstat(lm, 20, 10_000)
        cfg = os.path.join(tmp, "c.toml")
        with open(cfg, "w") as f:
            f.write(f'[sources.lm]\nkind = "flexlm"\nfile = "{lm}"\n')
        t_l, m_l, out_l = measure([BIN, "--config", cfg, "holders", "--format", "csv"], args.runs)
        t_a, m_a, out_a = measure(["awk", AWK_HOLDERS, lm], args.runs)
        rows_l = len(out_l.splitlines()) - 1
        rows_a = len(out_a.splitlines())
        print(f"flexlm holders, {os.path.getsize(lm) / 1e6:.1f} MB lmstat, 10,000 checkouts: licusage {t_l * 1000:.1f} ms ({m_l:.1f} MiB, {rows_l} rows), awk {t_a * 1000:.1f} ms ({m_a:.1f} MiB, {rows_a} rows): {t_a / t_l:.2f}x")
        t_s, m_s, _ = measure([BIN, "flexlm", "--file", lm, "--format", "csv"], args.runs)
        print(f"flexlm show (records only): {t_s * 1000:.1f} ms ({m_s:.1f} MiB)")

        doc = os.path.join(tmp, "skus.json")
        n = graph(doc, 10_000_000)
        t_g, m_g, out_g = measure([BIN, "generic", "--file", doc, "--jq", LICUSAGE_JQ, "--format", "csv"], args.runs)
        t_j, m_j, out_j = measure(["jq", "-r", JQ_RECORDS, doc], args.runs)
        print(f"generic over {os.path.getsize(doc) / 1e6:.1f} MB ({n} items): licusage {t_g * 1000:.0f} ms ({m_g:.1f} MiB, {len(out_g.splitlines()) - 1} records), jq {t_j * 1000:.0f} ms ({m_j:.1f} MiB, {len(out_j.splitlines())} rows): {t_j / t_g:.2f}x")


if __name__ == "__main__":
    main()
