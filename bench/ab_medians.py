#!/usr/bin/env python3
"""Medians of bench/ab.sh output (CSV lines "rep,label,workload,..." as p9bench --csv prints them
after the repetition number): one row per workload, one column per server, per server CPU-second
(MB for seq*, ops otherwise) and per second, with each server's ratio to the first one named.

    bench/ab_medians.py RESULTS.csv [SERVER ...]   # servers in the order wanted; default: as seen
"""
import csv
import statistics
import sys

# Column numbers in p9bench --csv (see bench/report.cpp), after ab.sh's repetition column.
LABEL, WORKLOAD = 1, 2
OPS_S, MB_S, OPS_CPU, MB_CPU, VERIFY = 10, 12, 17, 19, 22


def main():
    rows = [r for r in csv.reader(open(sys.argv[1])) if len(r) > VERIFY]
    servers = sys.argv[2:] or list(dict.fromkeys(r[LABEL] for r in rows))
    workloads = list(dict.fromkeys(r[WORKLOAD] for r in rows))
    print("| workload | figure | " + " | ".join(servers) + " | " +
          " | ".join(f"{s} / {servers[0]}" for s in servers[1:]) + " | runs | verify failures |")
    print("|---" * (2 + 2 * len(servers)) + "|---|")
    for w in workloads:
        seq = w.startswith("seq")
        for figure, column in (("per server CPU-s", MB_CPU if seq else OPS_CPU), ("per s", MB_S if seq else OPS_S)):
            med = {}
            for s in servers:
                values = [float(r[column]) for r in rows if r[WORKLOAD] == w and r[LABEL] == s and r[column]]
                med[s] = statistics.median(values) if values else None
            runs = min(sum(1 for r in rows if r[WORKLOAD] == w and r[LABEL] == s) for s in servers)
            failures = sum(int(r[VERIFY] or 0) for r in rows if r[WORKLOAD] == w)
            cells = [f"{med[s]:,.0f}" if med[s] is not None else "–" for s in servers]
            ratios = [f"{med[s] / med[servers[0]]:.2f}×" if med[s] and med[servers[0]] else "–" for s in servers[1:]]
            unit = "MB" if seq else "ops"
            print(f"| {w} | {unit} {figure} | " + " | ".join(cells + ratios) + f" | {runs} | {failures} |")


if __name__ == "__main__":
    main()
