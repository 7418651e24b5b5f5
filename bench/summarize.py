#!/usr/bin/env python3
"""Turns the CSV of bench/compare.sh into tables of medians and the issue's ratios (Markdown).

    bench/summarize.py results.csv [--iperf run1.json ...] [--syscalls syscalls.csv]

results.csv: compare.sh's header (group,rep, then p9bench --csv columns), one line per result.
Rates are medians over the repetitions; per server CPU-second means the rate divided by the CPU time
the server process (threads and children included) used during the measured interval.
"""
import argparse
import csv
import json
import statistics
import sys

SERVERS = ["p9tmpfs", "diod", "ganesha", "null"]
PEERS = ["diod", "ganesha"]  # real servers; null is the floor, not a peer
DATA_GROUPS = ("seq64k", "seq1m")  # reported in MB, everything else in operations


def unit_of(group):
    return "MB" if group in DATA_GROUPS or group == "iperf3" else "ops"


def load(path):
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["label"] == "label":  # a repeated header
                continue
            key = (r["group"], r["workload"])
            rows.setdefault(key, {}).setdefault(r["label"], []).append(r)
    return rows


def add_iperf(rows, paths):
    for path in paths:
        with open(path) as f:
            end = json.load(f)["end"]
        seconds = end["sum_received"]["seconds"]
        mb_s = end["sum_received"]["bits_per_second"] / 8e6
        cpu_s = end["cpu_utilization_percent"]["remote_total"] / 100 * seconds
        row = {"mb_per_s": str(mb_s), "mb_per_cpu_s": str(mb_s * seconds / cpu_s) if cpu_s else "",
               "ops_per_s": "", "ops_per_cpu_s": "", "p50_us": "", "p99_us": "", "p999_us": "",
               "verify_failures": "0", "msize": ""}
        rows.setdefault(("iperf3", "tcp-stream"), {}).setdefault("iperf3", []).append(row)


def median(results, column):
    values = [float(r[column]) for r in results if r.get(column)]
    return statistics.median(values) if values else None


def fmt(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "–"


def rate_column(unit, per_cpu):
    return ("mb" if unit == "MB" else "ops") + ("_per_cpu_s" if per_cpu else "_per_s")


def table(rows, per_cpu):
    title = "per server CPU-second" if per_cpu else "per second"
    servers = SERVERS + ["iperf3"]
    out = [f"| workload | unit {title} | " + " | ".join(servers) + " | p9tmpfs / best peer | p9tmpfs / null |",
           "|---" * (len(servers) + 4) + "|"]
    for (group, workload), by_server in rows.items():
        unit = unit_of(group)
        column = rate_column(unit, per_cpu)
        medians = {s: median(by_server.get(s, []), column) for s in servers}
        peers = [medians[p] for p in PEERS if medians[p] is not None]
        best = max(peers) if peers else None
        name = workload if group == workload else f"{workload} ({group})"
        out.append(f"| {name} | {unit} | " + " | ".join(fmt(medians[s]) for s in servers) +
                   f" | {ratio(medians['p9tmpfs'], best)} | {ratio(medians['p9tmpfs'], medians['null'])} |")
    return "\n".join(out)


def latency_table(rows):
    out = ["| workload | " + " | ".join(SERVERS) + " |", "|---" * (len(SERVERS) + 1) + "|"]
    for (group, workload), by_server in rows.items():
        if group == "iperf3":
            continue
        cells = []
        for s in SERVERS:
            rs = by_server.get(s, [])
            p = [median(rs, c) for c in ("p50_us", "p99_us", "p999_us")]
            cells.append("–" if p[0] is None else " / ".join(fmt(v) for v in p))
        name = workload if group == workload else f"{workload} ({group})"
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def problems(rows):
    notes = []
    for (group, workload), by_server in rows.items():
        for server, rs in by_server.items():
            failed = sum(int(r["verify_failures"] or 0) for r in rs)
            if failed:
                notes.append(f"- {server} {workload} ({group}): {failed} operations read back wrong data")
            msizes = sorted({r["msize"] for r in rs if r.get("msize")})
            if group == "seq1m" and msizes and msizes != ["1048600"]:
                notes.append(f"- {server} {workload} ({group}): msize agreed {', '.join(msizes)}")
    return "\n".join(notes)


def syscall_table(path):
    out = ["| server | workload | RPCs | syscalls per RPC | context switches per RPC |", "|---|---|---|---|---|"]
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            try:
                rpcs = int(r["rpcs"])
                out.append(f"| {r['server']} | {r['workload']} | {rpcs:,} | {int(r['syscalls']) / rpcs:.2f} | "
                           f"{int(r['context_switches']) / rpcs:.3f} |")
            except (ValueError, ZeroDivisionError):
                out.append(f"| {r['server']} | {r['workload']} | – | – | – |")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--iperf", nargs="*", default=[])
    parser.add_argument("--syscalls")
    args = parser.parse_args()
    rows = load(args.results)
    add_iperf(rows, args.iperf)
    print("### Rates per second (medians)\n")
    print(table(rows, per_cpu=False))
    print("\n### Rates per server CPU-second (medians)\n")
    print(table(rows, per_cpu=True))
    print("\n### Latency per operation, µs: p50 / p99 / p99.9 (medians)\n")
    print(latency_table(rows))
    if args.syscalls:
        print("\n### Server syscalls and context switches per RPC (perf stat, whole process)\n")
        print(syscall_table(args.syscalls))
    notes = problems(rows)
    if notes:
        print("\n### Notes\n")
        print(notes)


if __name__ == "__main__":
    sys.exit(main())
