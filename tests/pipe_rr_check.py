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

args = sys.argv[1:]
inp, d = open(args[0], "rb").read(), args[1]
opt = dict(zip(args[2::2], args[3::2]))
recend = opt.get("--recend", "\n" if "--recstart" not in opt else "")
recend = recend.encode().decode("unicode_escape").encode("latin-1")
recstart = opt.get("--recstart", "").encode()
header = int(opt.get("--header", "0"))
jobs = int(opt.get("--jobs", "-1"))


def fail(msg):
    print(msg)
    sys.exit(1)


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


hdr = b""
if header:
    lines = inp.split(b"\n")
    hdr = b"\n".join(lines[:header]) + (b"\n" if len(lines) > header else b"")
body = inp[len(hdr):]
names = sorted(os.listdir(d), key=int)
if [int(n) for n in names] != list(range(1, len(names) + 1)):
    fail("job numbers are not 1..%d: %s" % (len(names), names[:20]))
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
