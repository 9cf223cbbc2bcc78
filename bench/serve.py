#!/usr/bin/env python3
"""`licusage serve` over many refresh cycles (docs/performance.md): memory
must stay flat. Serves config.example.toml's sources (files) plus a Vault
source on a local HTTP server, refreshing every 20 ms, scraped between
reads; samples the resident set (VmRSS) after N cycles of every source.

Run after `cargo build --release`: python3 bench/serve.py [--cycles 1000]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "licusage")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=1000)
    args = ap.parse_args()
    vault = open(os.path.join(ROOT, "fixtures", "veeva", "licenses.json"), "rb").read()

    class Vault(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(vault)))
            self.end_headers()
            self.wfile.write(vault)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Vault)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    work = tempfile.mkdtemp(prefix="licusage-serve-")
    config = os.path.join(work, "config.toml")
    example = open(os.path.join(ROOT, "config.example.toml")).read().replace('"fixtures/', f'"{ROOT}/fixtures/')
    with open(config, "w") as f:
        f.write(example)
        f.write(f'\n[sources.vault-live]\nkind = "veeva"\nurl = "http://127.0.0.1:{server.server_port}"\nsession_id_env = "SID"\n')
    env = dict(os.environ, SID="bench")
    p = subprocess.Popen([BIN, "--config", config, "serve", "--listen", "127.0.0.1:0", "--refresh", "20ms"],
                         stderr=subprocess.PIPE, text=True, env=env)
    first = p.stderr.readline()
    if "listening on" not in first:
        sys.exit(f"serve did not start: {first}")
    addr = first.split("://")[1].split()[0]
    sources = int(first.split("(")[1].split()[0])
    reads = 0
    marks = sorted({10, 100, args.cycles // 2, args.cycles})
    samples = []
    start = time.time()
    last_scrape = 0.0
    for line in p.stderr:
        if "failed" in line:
            sys.exit(f"a read failed: {line}")
        reads += 1
        if time.time() - last_scrape > 0.05:
            urllib.request.urlopen(f"http://{addr}/metrics").read()
            last_scrape = time.time()
        cycle = reads // sources
        if marks and cycle >= marks[0] and reads % sources == 0:
            rss, hwm = rss_kib(p.pid)
            samples.append((marks.pop(0), rss, hwm))
            print(f"  after {samples[-1][0]:>5} cycles of {sources} sources: RSS {rss / 1024:6.1f} MiB, peak {hwm / 1024:6.1f} MiB", flush=True)
        if not marks:
            break
    p.terminate()
    p.wait(timeout=5)
    server.shutdown()
    print(f"  {reads:,} reads in {time.time() - start:.1f} s; exit {p.returncode}")
    growth = samples[-1][1] - samples[1][1]
    print(f"  RSS from cycle {samples[1][0]} to {samples[-1][0]}: {growth / 1024:+.1f} MiB")


if __name__ == "__main__":
    main()
