"""pipe_common.py: what pipe_check.py and pipe_rr_check.py share. Both take
INPUT DIR [--recend S] [--recstart S] [--header N] and an option of their
own, and read DIR's files, one a --pipe block or job, named 1, 2, ...; both
print what is wrong and exit 1 at the first fault."""
import os
import sys


def fail(msg):
    print(msg)
    sys.exit(1)


def parse_args():
    """The command line: INPUT's bytes, DIR, all the --OPT VALUE pairs (a
    dict, for each script's own option) and the record end (default \\n
    unless --recstart is given; \\n, \\t, \\0 ... as in fanout), the record
    start and the number of --header lines, as bytes and an int."""
    args = sys.argv[1:]
    inp, d = open(args[0], "rb").read(), args[1]
    opt = dict(zip(args[2::2], args[3::2]))
    recend = opt.get("--recend", "\n" if "--recstart" not in opt else "")
    recend = recend.encode().decode("unicode_escape").encode("latin-1")
    recstart = opt.get("--recstart", "").encode()
    header = int(opt.get("--header", "0"))
    return inp, d, opt, recend, recstart, header


def header_lines(inp, header):
    """The first HEADER lines of INP, which each job gets first."""
    if not header:
        return b""
    lines = inp.split(b"\n")
    return b"\n".join(lines[:header]) + (b"\n" if len(lines) > header else b"")


def numbered_files(d, what):
    """DIR's file names in order; fails unless they are 1..N (WHAT: "block"
    or "job", for the message)."""
    names = sorted(os.listdir(d), key=int)
    if [int(n) for n in names] != list(range(1, len(names) + 1)):
        fail("%s numbers are not 1..%d: %s" % (what, len(names), names[:20]))
    return names
