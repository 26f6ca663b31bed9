#!/usr/bin/python3
"""fake_procfs.py - a fake /proc under ROOT whose counters move with the wall
clock as if other processes used OTHERS cores of a 2-CPU machine (this
process, as /proc/self/stat says, uses none): llmbench pointed at ROOT with
LLMBENCH_PROCFS_ROOT sees exactly that. Files are replaced atomically every
5 ms until the process is killed; ROOT/ready appears after the first write.
Usage: fake_procfs.py ROOT OTHERS [LOAD]"""
import os
import sys
import time

root, others = sys.argv[1], float(sys.argv[2])
load = float(sys.argv[3]) if len(sys.argv) > 3 else others
hz = os.sysconf("SC_CLK_TCK")
os.makedirs(root + "/proc/self", exist_ok=True)


def put(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


put(root + "/proc/self/stat", "4242 (llmbench) R 1 4242 4242 0 -1 0 0 0 0 0 0 0 0 0 20 0 3 0 100 1000 100\n")
put(root + "/proc/vmstat", "nr_free_pages 1000\npswpin 5\npswpout 6\n")
put(root + "/proc/loadavg", "%.2f 0.50 0.40 2/300 4242\n" % load)
t0 = time.monotonic()
first = True
while True:
    t = time.monotonic() - t0
    busy = 1000 + int(t * hz * others)
    idle = 100000 + int(t * hz * (2 - others))
    cpus = "".join("cpu%d %d 0 0 %d 0 0 0 0 0 0\n" % (c, busy // 2, idle // 2) for c in range(2))
    put(root + "/proc/stat", "cpu  %d 0 0 %d 0 0 0 0 0 0\n%sprocs_running %d\nprocs_blocked 0\n"
        % (busy, idle, cpus, 1 + round(others)))
    if first:
        open(root + "/ready", "w").close()
        first = False
    time.sleep(0.005)
