#!/usr/bin/env python3
"""Soak: mixed load (80 % get, 20 % create) on the release emulator for a long time, in
one-minute segments, reading the server's RSS after each. The pass mark: no errors, a clean
exit on SIGTERM, and flat RSS (the last segment's RSS at most 10 % + 4 MiB above the first
segment's; the first minute fills caches and the WAL, so it is the baseline, not the start).
Not part of CI: `bench/soak.sh [--minutes 10]`."""

import argparse
import json
import os
import sys
import tempfile
import urllib.request

from benchlib import load, report as reporting, servers


def create_ids(base, count):
    ids = []
    for i in range(count):
        request = urllib.request.Request(
            base + servers.PACKAGES, data=servers.create_body(f"get target {i}"), method="POST",
            headers=servers.HEADERS,
        )
        with urllib.request.urlopen(request) as response:
            ids.append(json.load(response)["id"])
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--segment", type=int, default=60, help="seconds per wrk run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--out", default=os.path.join(servers.ROOT, "target", "bench"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    segments = max(1, args.minutes * 60 // args.segment)
    report = {"machine": reporting.machine(), "segments": []}
    with tempfile.TemporaryDirectory(prefix="emulator-soak-") as workdir:
        db = os.path.join(workdir, "soak.db")
        server = servers.emulator(workdir, db)
        server.wait_for_2xx(read=True)
        ids_file = os.path.join(workdir, "ids.txt")
        with open(ids_file, "w") as f:
            f.write("\n".join(create_ids(server.base, 500)) + "\n")
        report["rss_start_mb"] = server.rss_mb()
        print(f"start: RSS {report['rss_start_mb']:.1f} MiB", flush=True)
        for n in range(segments):
            result = load.wrk(server.base, servers.PACKAGES, "mixed", args.concurrency, args.segment, ids_file)
            rss = server.rss_mb()
            segment = {
                "minute": (n + 1) * args.segment / 60,
                "rps": round(result["rps"]),
                "p99_ms": result["p99_us"] / 1000,
                "errors": result["errors"],
                "requests": result["requests"],
                "rss_mb": round(rss, 1),
            }
            report["segments"].append(segment)
            print(
                f"  {segment['minute']:>5.1f} min  {segment['rps']:>6} req/s  p99 "
                f"{segment['p99_ms']:.2f} ms  errors {segment['errors']}  RSS {rss:.1f} MiB",
                flush=True,
            )
        report["rss_end_mb"] = server.rss_mb()
        report["rss_peak_mb"] = server.peak_rss_mb()
        report["exit"] = server.stop()
        # The -wal file is part of the database's footprint on disk (it can hold ~128 MB).
        report["database_mb"] = round(
            sum(os.path.getsize(db + tail) for tail in ("", "-wal", "-shm") if os.path.exists(db + tail)) / 2**20, 1
        )
    report["errors"] = sum(s["errors"] for s in report["segments"])
    report["requests"] = sum(s["requests"] for s in report["segments"])
    baseline = report["segments"][0]["rss_mb"]
    report["rss_flat"] = report["segments"][-1]["rss_mb"] <= baseline * 1.10 + 4
    with open(os.path.join(args.out, "soak.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(
        f"RSS {report['rss_start_mb']:.1f} MiB at start, {baseline:.1f} after the first segment, "
        f"{report['rss_end_mb']:.1f} at the end (peak {report['rss_peak_mb']:.1f}; flat: "
        f"{'yes' if report['rss_flat'] else 'NO'}); {report['requests']:,} requests, {report['errors']} errors; "
        f"exit {report['exit']}; database with its WAL {report['database_mb']} MB"
    )
    return 1 if report["errors"] or report["exit"] != 0 or not report["rss_flat"] else 0


if __name__ == "__main__":
    sys.exit(main())
