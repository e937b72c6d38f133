"""CPU time of processes, from Linux's /proc.

Unlike requests/s, CPU per request hardly depends on what else the machine runs.
"""

import os


def process_times():
    """{pid: (parent pid, own CPU s, reaped children's CPU s, command line)} of every
    process, or None where there is no /proc."""
    if not os.path.isdir("/proc/self"):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().decode(errors="replace")
        except OSError:  # it ended meanwhile
            continue
        own = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        reaped = (int(fields[13]) + int(fields[14])) / tick  # cutime + cstime
        found[int(entry)] = (int(fields[1]), own, reaped, command)
    return found
