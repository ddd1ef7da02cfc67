#!/usr/bin/env python3
"""Soak: mixed load (80 % get, 20 % create) on the release emulator for a long time, in
one-minute segments, reading the server's RSS after each. Flat RSS and 0 errors are the
pass mark. Not part of CI: `bench/soak.sh [--minutes 10]`."""

import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the benchmark's helpers)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--segment", type=int, default=60, help="seconds per wrk run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--out", default=os.path.join(run.ROOT, "target", "bench"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    segments = max(1, args.minutes * 60 // args.segment)
    report = {"machine": run.machine(), "segments": []}
    with tempfile.TemporaryDirectory(prefix="emulator-soak-") as workdir:
        server = run.start_emulator(workdir, "soak")
        server.wait_for_2xx(run.CATALOGS)
        ids_file = os.path.join(workdir, "ids.txt")
        with open(ids_file, "w") as f:
            f.write("\n".join(run.create_ids(server.port, 500)) + "\n")
        report["rss_start_mb"] = run.rss_mb(server.process.pid)
        print(f"start: RSS {report['rss_start_mb']:.1f} MB", flush=True)
        for n in range(segments):
            result = run.wrk(server.port, "mixed", args.concurrency, args.segment, ids_file)
            rss = run.rss_mb(server.process.pid)
            segment = {
                "minute": (n + 1) * args.segment / 60,
                "rps": round(result["rps"]),
                "p99_ms": result["p99_us"] / 1000,
                "errors": result["errors"],
                "rss_mb": round(rss, 1),
            }
            report["segments"].append(segment)
            print(
                f"  {segment['minute']:>5.1f} min  {segment['rps']:>6} req/s  p99 "
                f"{segment['p99_ms']:.2f} ms  errors {segment['errors']}  RSS {rss:.1f} MB",
                flush=True,
            )
        report["rss_end_mb"] = run.rss_mb(server.process.pid)
        report["rss_peak_mb"] = run.rss_mb(server.process.pid, "VmHWM")
        db = os.path.join(workdir, "soak.db")
        report["exit"] = server.stop()
        report["database_mb"] = round(os.path.getsize(db) / 2**20, 1)
    report["errors"] = sum(s["errors"] for s in report["segments"])
    report["requests"] = sum(s["rps"] * args.segment for s in report["segments"])
    with open(os.path.join(args.out, "soak.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(
        f"RSS {report['rss_start_mb']:.1f} MB at start, {report['rss_end_mb']:.1f} MB at the end "
        f"(peak {report['rss_peak_mb']:.1f}); ~{report['requests']:,} requests, "
        f"{report['errors']} errors; exit {report['exit']}; database {report['database_mb']} MB"
    )
    return 1 if report["errors"] or report["exit"] != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
