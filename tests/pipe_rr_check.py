#!/usr/bin/env python3
"""pipe_rr_check.py INPUT DIR [--recend S] [--recstart S] [--header N]
[--jobs N]: DIR holds what each --round-robin job read, as files named by
job number (1, 2, ...). Checks that each starts with the --header lines
(once), that what follows holds only whole records (it ends with a record
end, but for the input's last record when that has none), that the records
of all the jobs together are the input's records, each exactly once (as
multisets: blocks go to whichever job takes them), and with --jobs that
exactly N jobs ran. Prints what is wrong and exits 1."""
import collections
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in tests/
from pipe_common import fail, header_lines, numbered_files, parse_args  # noqa: E402

inp, d, opt, recend, recstart, header = parse_args()
jobs = int(opt.get("--jobs", "-1"))


def records(b):
    """B cut before each record start, or after each record end."""
    if recstart and recend:
        pat = re.escape(recend) + b"(?=" + re.escape(recstart) + b")"
        parts = re.split(b"(" + pat + b")", b)
        out = [p + e for p, e in zip(parts[0::2], parts[1::2] + [b""])]
    elif recstart:
        out = re.split(b"(?=" + re.escape(recstart) + b")", b)
    else:
        parts = b.split(recend)
        out = [p + recend for p in parts[:-1]] + [parts[-1]]
    return [r for r in out if r]


hdr = header_lines(inp, header)
body = inp[len(hdr):]
names = numbered_files(d, "job")
if jobs >= 0 and len(names) != jobs:
    fail("%d jobs ran, not %d" % (len(names), jobs))
got = collections.Counter()
for n in names:
    b = open(os.path.join(d, n), "rb").read()
    if not b.startswith(hdr):
        fail("job %s does not start with the header" % n)
    b = b[len(hdr):]
    recs = records(b)
    # Only the input's last record may lack its end, its first its start.
    if recend and recs and not recs[-1].endswith(recend) and \
            recs[-1] != records(body)[-1]:
        fail("job %s ends inside a record" % n)
    if recstart and recs and not recs[0].startswith(recstart) and \
            recs[0] != records(body)[0]:
        fail("job %s starts inside a record" % n)
    got.update(recs)
want = collections.Counter(records(body))
if got != want:
    extra, lost = got - want, want - got
    fail("records differ: %d extra (%r), %d lost (%r)"
         % (sum(extra.values()), list(extra)[:3],
            sum(lost.values()), list(lost)[:3]))
