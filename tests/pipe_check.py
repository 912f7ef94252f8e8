#!/usr/bin/env python3
"""pipe_check.py INPUT DIR [--recend S] [--recstart S] [--header N]
[--records N]: DIR holds what each --pipe job read, as files named by block
number (1, 2, ...). Checks that they join up to INPUT byte for byte (each
one's --header lines taken off first), that no block is cut inside a record
and, with --records, that each but the last holds exactly N records.
Prints what is wrong and exits 1."""
import os
import sys

args = sys.argv[1:]
inp, d = open(args[0], "rb").read(), args[1]
opt = dict(zip(args[2::2], args[3::2]))
recend = opt.get("--recend", "\n" if "--recstart" not in opt else "")
recend = recend.encode().decode("unicode_escape").encode("latin-1")
recstart = opt.get("--recstart", "").encode()
header = int(opt.get("--header", "0"))
records = int(opt.get("--records", "0"))


def fail(msg):
    print(msg)
    sys.exit(1)


hdr = b""
if header:
    lines = inp.split(b"\n")
    hdr = b"\n".join(lines[:header]) + (b"\n" if len(lines) > header else b"")
names = sorted(os.listdir(d), key=int)
if [int(n) for n in names] != list(range(1, len(names) + 1)):
    fail("block numbers are not 1..%d: %s" % (len(names), names[:20]))
joined, off = bytearray(hdr), len(hdr)
for i, n in enumerate(names):
    b = open(os.path.join(d, n), "rb").read()
    if not b.startswith(hdr):
        fail("block %s does not start with the header" % n)
    b = b[len(hdr):]
    if not b:
        fail("block %s is empty" % n)
    joined += b
    off += len(b)
    last = i == len(names) - 1
    if not last:
        if recend and not b.endswith(recend):
            fail("block %s does not end with the record end" % n)
        if recstart and not inp[off:].startswith(recstart):
            fail("block %s is not followed by a record start" % n)
    if records and not last:
        count = b.count(recend) if recend else b.count(recstart)
        if count != records:
            fail("block %s holds %d records, not %d" % (n, count, records))
if bytes(joined) != inp:
    fail("the blocks joined (%d bytes) are not the input (%d bytes)"
         % (len(joined), len(inp)))
