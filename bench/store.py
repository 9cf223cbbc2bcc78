#!/usr/bin/env python3
"""The history in SQLite and in PostgreSQL side by side (docs/performance.md,
"History on a server"):

1. `record` of 10,000 series (a generic source from a file), the median of
   RUNS runs into each store, beside `show` of the same (the read and parse
   without a store) so that the store's share shows;
2. `history --since 365d` over a year of 15-minute snapshots of 100 series
   (35,040 snapshots, 3.5 M samples): generated straight into a SQLite file
   (the daily rollup by the SQL of its migrations 2 and 6), copied to the server by
   `history migrate` (timed too), then read from each.

A PostgreSQL server of its own is started on loopback (initdb/pg_ctl on PATH
or in /usr/lib/postgresql/*/bin; as the `postgres` user when run as root),
fsync on: what a real server does.

Run after `cargo build --release`: python3 bench/store.py [--runs 5] [--series 10000]
"""
import argparse
import glob
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "licusage")
PASSWORD = "bench-pw"


def pg_tool(name):
    found = shutil.which(name)
    if found:
        return found
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if dirs and os.path.exists(os.path.join(dirs[-1], name)):
        return os.path.join(dirs[-1], name)
    raise SystemExit(f"{name} not found: install postgresql")


class Postgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="licusage-bench-pg")
        self.root = os.geteuid() == 0
        pw = os.path.join(self.dir, "pw")
        with open(pw, "w") as f:
            f.write(PASSWORD)
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(pw, "postgres", "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        data = os.path.join(self.dir, "data")
        self.owner([pg_tool("initdb"), "-U", "licusage", "--auth-local=trust", "--auth-host=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--pwfile", pw, "-D", data])
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB"
        self.owner([pg_tool("pg_ctl"), "-D", data, "-w", "-o", opts, "-l", os.path.join(self.dir, "log"), "start"])
        self.psql("postgres", "CREATE DATABASE history")
        self.psql("postgres", "CREATE DATABASE year")

    def owner(self, cmd):
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def psql(self, db, sql):
        out = subprocess.run([pg_tool("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "licusage", "-d", db, "-At", "-c", sql],
                             env={**os.environ, "PGPASSWORD": PASSWORD}, check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def url(self, db="history"):
        return f"postgres://licusage@127.0.0.1:{self.port}/{db}"

    def stop(self):
        self.owner([pg_tool("pg_ctl"), "-D", os.path.join(self.dir, "data"), "-m", "fast", "stop"])
        shutil.rmtree(self.dir, ignore_errors=True)


def timed(cmd, env=None):
    """Seconds and peak RSS (MiB, by GNU time when there is one)."""
    gnu = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    full = ([gnu, "-f", "%M"] + cmd) if gnu else cmd
    start = time.perf_counter()
    # Write-only, as a shell's `> /dev/null` (licusage takes a read-write /dev/null for a closed stdout).
    with open(os.devnull, "w") as sink:
        out = subprocess.run(full, env=env, stdout=sink, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"{cmd}: exit {out.returncode}: {out.stderr}")
    rss = int(out.stderr.strip().splitlines()[-1]) / 1024 if gnu else float("nan")
    return took, rss


def config(path, history, source):
    with open(path, "w") as f:
        f.write(history + source)


def record_bench(pg, work, series, runs):
    items = [{"id": f"s{i}", "used": i % 97, "limit": 100} for i in range(series)]
    data = os.path.join(work, "many.json")
    with open(data, "w") as f:
        json.dump(items, f)
    source = (f'[sources.many]\nkind = "generic"\nfile = "{data}"\n'
              "jq = '.[] | {id: .id, product: .id, metric: \"seats\", used: .used, limit: .limit}'\n")
    lite, server = os.path.join(work, "lite.toml"), os.path.join(work, "server.toml")
    config(lite, f'[history]\npath = "{work}/record.sqlite3"\n', source)
    config(server, f'[history]\nurl = "{pg.url()}"\npassword_env = "PW"\n', source)
    env = {**os.environ, "PW": PASSWORD}
    rows = {}
    for name, cmd in [("show (no store)", [BIN, "--config", lite, "-q", "show", "--format", "json"]),
                      ("record, SQLite", [BIN, "--config", lite, "-q", "record"]),
                      ("record, PostgreSQL", [BIN, "--config", server, "-q", "record"])]:
        timed(cmd, env)  # the first: makes the store; not counted
        rows[name] = []
    for _ in range(runs):  # interleaved
        for name, cmd in [("show (no store)", [BIN, "--config", lite, "-q", "show", "--format", "json"]),
                          ("record, SQLite", [BIN, "--config", lite, "-q", "record"]),
                          ("record, PostgreSQL", [BIN, "--config", server, "-q", "record"])]:
            rows[name].append(timed(cmd, env))
    return rows


def year(path, series):
    """A year of 15-minute snapshots of `series` series, at schema 6."""
    subprocess.run([BIN, "--config", os.path.join(os.path.dirname(path), "year.toml"), "-q", "record"], check=True)
    db = sqlite3.connect(path)
    now = int(time.time())
    n = 35040
    db.executescript("DELETE FROM daily; DELETE FROM samples; DELETE FROM snapshots; DELETE FROM series;")
    db.executemany("INSERT INTO series (id, source, ident, kind, product, metric) VALUES (?, 'c', ?, 'cpod', ?, 'named_user')",
                   [(i + 1, f"p{i:03d}", f"Product {i:03d}") for i in range(series)])
    db.executemany("INSERT INTO snapshots (id, taken_at, sources, failed, token) VALUES (?, ?, 1, 0, ?)",
                   [(k + 1, now - (n - 1 - k) * 900, f"bench-{k}") for k in range(n)])
    db.execute("""INSERT INTO samples (series_id, taken_at, snapshot_id, used, "limit", balance, expires_at, status)
                  SELECT s.id, sn.taken_at, sn.id, 100 + s.id + (sn.id % 97), 1000, 900 - s.id - (sn.id % 97), NULL, 'ok'
                  FROM snapshots sn CROSS JOIN series s""")
    # The rollup as migration 2 makes it from the samples.
    db.execute("""INSERT INTO daily
        SELECT series_id, taken_at / 86400, COUNT(*), COUNT(used), TOTAL(used),
               TOTAL(CASE WHEN used IS NULL THEN 0 ELSE (taken_at % 86400) / 86400.0 END),
               TOTAL(CASE WHEN used IS NULL THEN 0 ELSE ((taken_at % 86400) / 86400.0) * ((taken_at % 86400) / 86400.0) END),
               TOTAL(((taken_at % 86400) / 86400.0) * used), MIN(used), MAX(used), MAX(peak), SUM(denials)
        FROM samples GROUP BY series_id, taken_at / 86400""")
    db.commit()
    samples = db.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
    db.close()
    return samples


def history_bench(pg, work, series, runs):
    usage = os.path.join(work, "usage.json")
    with open(usage, "w") as f:
        json.dump([{"id": f"p{i:03d}", "product_name": f"Product {i:03d}", "license_type": "named_user",
                    "total_seats": 1000, "used_seats": 100} for i in range(series)], f)
    db = os.path.join(work, "year.sqlite3")
    source = f'[sources.c]\nkind = "cpod"\nfile = "{usage}"\n'
    config(os.path.join(work, "year.toml"), f'[history]\npath = "{db}"\n', source)
    config(os.path.join(work, "year-server.toml"), f'[history]\nurl = "{pg.url("year")}"\npassword_env = "PW"\n', source)
    samples = year(db, series)
    env = {**os.environ, "PW": PASSWORD}
    migrate = timed([BIN, "--config", os.path.join(work, "year.toml"), "history", "migrate", "--to", pg.url("year"), "--password-env", "PW"], env)
    pg.psql("year", "VACUUM ANALYZE")
    rows = {"history --since 365d, SQLite": [], "history --since 365d, PostgreSQL": []}
    cmds = {"history --since 365d, SQLite": [BIN, "--config", os.path.join(work, "year.toml"), "history", "--since", "365d"],
            "history --since 365d, PostgreSQL": [BIN, "--config", os.path.join(work, "year-server.toml"), "history", "--since", "365d"]}
    for cmd in cmds.values():
        timed(cmd, env)
    for _ in range(runs):
        for name, cmd in cmds.items():
            rows[name].append(timed(cmd, env))
    return samples, migrate, rows, os.path.getsize(db), pg.psql("year", "SELECT pg_size_pretty(pg_database_size('year'))")


def show(rows):
    for name, runs in rows.items():
        secs = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        print(f"| {name} | {secs * 1000:.0f} ms | {rss:.1f} MiB |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--series", type=int, default=10000)
    ap.add_argument("--year-series", type=int, default=100)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        raise SystemExit("build first: cargo build --release")
    pg = Postgres()
    work = tempfile.mkdtemp(prefix="licusage-bench")
    try:
        print(f"## record of {args.series} series, median of {args.runs} interleaved runs\n")
        print("| run | time | peak RSS |\n|---|---:|---:|")
        show(record_bench(pg, work, args.series, args.runs))
        samples, migrate, rows, size, pg_size = history_bench(pg, work, args.year_series, args.runs)
        print(f"\n## history over a year of 15-minute snapshots: {args.year_series} series, {samples} samples\n")
        print(f"SQLite file {size / 1048576:.0f} MiB; PostgreSQL database {pg_size}; "
              f"`history migrate` copied it in {migrate[0]:.1f} s ({migrate[1]:.0f} MiB peak)\n")
        print("| run | time | peak RSS |\n|---|---:|---:|")
        show(rows)
    finally:
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
