"""The benchmark's parts, used by bench/run.py: servers (the targets and how each is started),
load (wrk and examples/bench_client.rs), checks (what makes a figure believable) and report
(the tables)."""
