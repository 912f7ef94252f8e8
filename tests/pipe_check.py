#!/usr/bin/env python3
"""pipe_check.py INPUT DIR [--recend S] [--recstart S] [--header N]
[--records N]: DIR holds what each --pipe job read, as files named by block
number (1, 2, ...). Checks that they join up to INPUT byte for byte (each
one's --header lines taken off first), that no block is cut inside a record
and, with --records, that each but the last holds exactly N records.
Prints what is wrong and exits 1."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in tests/
from pipe_common import fail, header_lines, numbered_files, parse_args  # noqa: E402

inp, d, opt, recend, recstart, header = parse_args()
records = int(opt.get("--records", "0"))

hdr = header_lines(inp, header)
names = numbered_files(d, "block")
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
