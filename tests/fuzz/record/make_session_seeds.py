#!/usr/bin/env python3
"""Cuts recorded client-to-server 9P streams (record_proxy.py) into seeds for fuzz_session.

Each seed is one connection's Tversion and Tattach frames followed by a window of consecutive
frames of the same recording, at most MAX_SEED bytes (libFuzzer's default input limit is the
largest seed; small inputs keep executions fast). The first window of each recording starts right
after its Tattach, so its fids are coherent; later windows, spread over the recording, reuse fids
walked before them (the fuzzer's crossovers recombine them). Frames larger than MAX_FRAME (bulk
Twrite data) are left out.

Usage: make_session_seeds.py OUT_DIR WINDOWS_PER_RECORDING RECORDING...
"""
import hashlib
import os
import struct
import sys

MAX_SEED = 4096
MAX_FRAME = 1024
TVERSION, TATTACH = 100, 104


def frames(data):
    at = 0
    while at + 7 <= len(data):
        size = struct.unpack_from("<I", data, at)[0]
        if size < 7 or at + size > len(data):
            return
        yield data[at:at + size]
        at += size


def windows(body, budget):
    """Consecutive runs of frames, each at most budget bytes."""
    current, used = [], 0
    for f in body:
        if used + len(f) > budget and current:
            yield current
            current, used = [], 0
        current.append(f)
        used += len(f)
    if current:
        yield current


def main():
    out_dir, per_recording = sys.argv[1], int(sys.argv[2])
    os.makedirs(out_dir, exist_ok=True)
    written = 0
    for path in sys.argv[3:]:
        all_frames = list(frames(open(path, "rb").read()))
        prefix = [f for f in all_frames if f[4] in (TVERSION, TATTACH)][:4]
        body = [f for f in all_frames if f[4] not in (TVERSION, TATTACH) and len(f) <= MAX_FRAME]
        budget = MAX_SEED - sum(len(f) for f in prefix)
        runs = list(windows(body, budget)) or [[]]
        step = max(1, len(runs) // per_recording)
        for run in runs[::step][:per_recording]:
            seed = b"".join(prefix + run)
            name = hashlib.sha1(seed).hexdigest()
            with open(os.path.join(out_dir, name), "wb") as out:
                out.write(seed)
            written += 1
    print(f"{written} seeds in {out_dir}")


if __name__ == "__main__":
    main()
