#!/usr/bin/env python3
"""pipe_gen.py SEED SIZE MAXREC [nofinal] > FILE: random records for --pipe
tests. Records of 1..MAXREC bytes (a few much longer), each ending with a
newline, some starting with '>' (for --recstart); 'nofinal' drops the last
newline. SIZE is about how many bytes."""
import random
import sys

seed, size, maxrec = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
out = bytearray()
while len(out) < size:
    n = rnd.randint(1, maxrec)
    if rnd.random() < 0.03:
        n *= 20                 # longer than most blocks
    body = bytes(rnd.choice(b"abcxyz >\t") for _ in range(n))
    if rnd.random() < 0.3:
        body = b">" + body
    out += body + b"\n"
if len(sys.argv) > 4 and sys.argv[4] == "nofinal" and out:
    out = out[:-1]
sys.stdout.buffer.write(out)
