#!/usr/bin/env python3
"""layering.py SRC_DIR OBJ_DIR - fanout's wiring has no circle (issue 10).

Checks, and prints one line per breach (exit 1 if any):
  - no cycle in the #include graph of SRC_DIR's headers;
  - util.h includes no fanout header (util is the ground floor);
  - no cycle in the call graph between object files: A -> B when an
    undefined symbol of A.o is defined in B.o (nm), so a module that calls
    one that calls it back is caught whatever the headers say;
  - nothing calls into main.o (main wires; nobody depends on it).
"""
import glob
import os
import re
import subprocess
import sys


def cycles(graph):
    found, state = [], {}

    def visit(u, path):
        state[u] = 1
        path.append(u)
        for v in sorted(graph.get(u, ())):
            if state.get(v) == 1:
                found.append(path[path.index(v):] + [v])
            elif not state.get(v):
                visit(v, path)
        path.pop()
        state[u] = 2

    for u in sorted(graph):
        if not state.get(u):
            visit(u, [])
    return found


def main():
    src, obj = sys.argv[1], sys.argv[2]
    bad = []
    inc = {}
    for h in glob.glob(os.path.join(src, "*.h")):
        with open(h) as f:
            inc[os.path.basename(h)] = set(
                re.findall(r'^#include "([a-z_0-9]+\.h)"', f.read(), re.M))
    for c in cycles(inc):
        bad.append("include cycle: " + " -> ".join(c))
    if inc.get("util.h"):
        bad.append("util.h includes " + ", ".join(sorted(inc["util.h"])))

    defs, undef = {}, {}
    objs = glob.glob(os.path.join(obj, "*.o"))
    if not objs:
        print("no objects in " + obj)
        return 1
    for o in objs:
        m = os.path.basename(o)[:-2]
        out = subprocess.run(["nm", o], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBRC":
                defs[p[2]] = m
            elif len(p) == 2 and p[0] == "U":
                undef.setdefault(m, set()).add(p[1])
    calls = {}
    for m, syms in undef.items():
        for s in syms:
            if s in defs and defs[s] != m:
                calls.setdefault(m, set()).add(defs[s])
    for c in cycles(calls):
        bad.append("call cycle: " + " -> ".join(c))
    for m in sorted(calls):
        if "main" in calls[m]:
            bad.append(m + ".o calls into main.o")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
