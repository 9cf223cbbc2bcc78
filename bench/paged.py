#!/usr/bin/env python3
"""Holders over a paged cPod API (docs/performance.md): a local server on
127.0.0.1 serves N assignments in pages of 1,000 by cursor (plain, or gzip
when asked with --gzip); `licusage holders --idle 90 --format csv` reads them
all. Measured: wall time and peak RSS (GNU time) of licusage, against the
time `curl` takes to fetch every page from the same server (one connection,
pages one after another, bodies thrown away), and the rows against a count
made here from the same data.

Run after `cargo build --release`: python3 bench/paged.py [--rows N] [--runs N] [--gzip]
(LICUSAGE_BIN=path measures another build, to compare two in one run)
"""
import argparse
import datetime
import gzip
import json
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("LICUSAGE_BIN") or os.path.join(ROOT, "target", "release", "licusage")
TIME = shutil.which("time") or "/usr/bin/time"
NOW = datetime.datetime.now(datetime.timezone.utc)
PAGE = 1000
LICENSES = 50


def ts(days_ago, rng):
    t = NOW - datetime.timedelta(days=days_ago, seconds=rng.randint(0, 86399))
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def pages(rows):
    """The assignment pages as cPod serves them (~400 bytes a row), and how
    many rows are idle 90 days or more (never used counts as idle)."""
    rng = random.Random(7)
    out, idle = [], 0
    count = (rows + PAGE - 1) // PAGE
    for p in range(count):
        items = []
        for i in range(p * PAGE, min(rows, (p + 1) * PAGE)):
            r = rng.random()
            days = rng.choice([rng.randint(0, 88), rng.randint(92, 400)])
            last = None if r < 0.1 else ts(days, rng)
            deleted, status = r < 0.02, "revoked" if r > 0.97 else "active"
            if not deleted and status == "active" and (last is None or days >= 92):
                idle += 1
            items.append({
                "id": f"asg_{i:08d}", "tenant_id": "ten_01HX9Q4M2ZB7", "created_at": ts(500, rng), "updated_at": ts(10, rng),
                "source": "edm", "source_type": "api", "is_deleted": deleted, "deleted_at": None, "schema_version": 3,
                "license_id": f"lic_{i % LICENSES:05d}", "assignee_id": f"per_{i:08d}", "assignee_type": "person",
                "assigned_at": ts(rng.randint(100, 900), rng), "expires_at": None, "status": status, "last_used_at": last,
            })
        doc = {"data": items, "next_cursor": f"c{p + 1}" if p + 1 < count else None}
        out.append(json.dumps(doc, separators=(",", ":")).encode())
    return out, idle


def serve(port, bodies, zipped, ready):
    licenses = json.dumps({"data": [
        {"id": f"lic_{n:05d}", "product_name": f"Product {n}", "license_type": "named_user", "total_seats": 100000, "used_seats": 20000}
        for n in range(LICENSES)]}).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            # Headers and a small (gzip) body go in separate writes: without
            # this, Nagle and delayed ACKs add 40 ms to every page.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self):
            url = urlparse(self.path)
            body, plain = licenses, True
            if url.path == "/api/v1/licenses/assignments":
                cursor = parse_qs(url.query).get("cursor", ["c0"])[0]
                n = int(cursor[1:])
                plain = not (zipped and "gzip" in self.headers.get("accept-encoding", ""))
                body = bodies[n] if plain else zipped[n]
            self.send_response(200)
            self.send_header("content-type", "application/json")
            if not plain:
                self.send_header("content-encoding", "gzip")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    ready.set()
    server.serve_forever()


def timed(cmd, env=None):
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        p = subprocess.run([TIME, "-o", rss.name, "-f", "%M %U %S", *cmd], stdout=out, stderr=subprocess.PIPE, env=env)
        elapsed = time.perf_counter() - start
        if p.returncode != 0:
            sys.exit(f"{cmd[0]} failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
        out.seek(0)
        rss_kib, user, system = rss.read().strip().splitlines()[-1].split()
        return elapsed, int(rss_kib), out.read(), float(user) + float(system)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--gzip", action="store_true", help="serve gzip-compressed pages to clients that ask")
    ap.add_argument("--port", type=int, default=18733)
    args = ap.parse_args()
    print(f"generating {args.rows:,} assignments in pages of {PAGE:,} ...", flush=True)
    bodies, idle = pages(args.rows)
    zipped = [gzip.compress(b, 6) for b in bodies] if args.gzip else None
    total = sum(len(b) for b in bodies)
    wire = sum(len(b) for b in zipped) if zipped else total
    print(f"  {len(bodies):,} pages, {total / 1e6:.0f} MB ({wire / 1e6:.0f} MB on the wire), {idle:,} idle rows")
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(args.port, bodies, zipped, ready), daemon=True)
    server.start()
    ready.wait()
    base = f"http://127.0.0.1:{args.port}"
    work = tempfile.mkdtemp(prefix="licusage-paged-")
    try:
        urls = os.path.join(work, "urls")
        with open(urls, "w") as f:
            for n in range(len(bodies)):
                f.write(f'url = "{base}/api/v1/licenses/assignments?cursor=c{n}"\noutput = "/dev/null"\n')
        curl = ["curl", "-sS", "--fail", "-K", urls] + (["--compressed"] if args.gzip else [])
        config = os.path.join(work, "config.toml")
        with open(config, "w") as f:
            f.write(f'[sources.assets]\nkind = "cpod"\nurl = "{base}"\ntoken_env = "CPOD_TOKEN"\n')
        env = dict(os.environ, CPOD_TOKEN="bench", LICUSAGE_CONFIG=config)
        ours = [BIN, "holders", "--idle", "90", "--format", "csv"]
        timed(curl)  # warm-up
        c = [timed(curl) for _ in range(args.runs)]
        l = [timed(ours, env) for _ in range(args.runs)]
        curl_s = statistics.median(r[0] for r in c)
        ours_s = statistics.median(r[0] for r in l)
        rss = max(r[1] for r in l)
        rows = l[0][2].decode().count("\n") - 1
        print(f"  curl, every page:               {curl_s:7.2f} s")
        print(f"  licusage holders --idle 90:     {ours_s:7.2f} s  ({ours_s / curl_s:.2f}x curl; target <= 1.5x)")
        print(f"  licusage CPU (user + system):   {statistics.median(r[3] for r in l):7.2f} s; curl {statistics.median(r[3] for r in c):.2f} s")
        print(f"  licusage peak RSS:              {rss / 1024:7.1f} MiB (target <= 64 MiB)")
        print(f"  rows: {rows:,} (expected {idle:,}) {'ok' if rows == idle else 'MISMATCH'}")
        if rows != idle:
            sys.exit(1)
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
