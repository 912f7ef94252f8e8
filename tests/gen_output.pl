#!/usr/bin/perl
# gen_output.pl - deterministic jobs and an exact checker for fanout's
# output property tests (tests/output_property.bats).
#
#   gen_output.pl job SEED MAX MODES ID
#       Be job ID: write its stdout and stderr in random pieces with random
#       pauses, then exit with its exit code. MODES is a comma list of
#       k, line, tag, u (u: whole lines per write, no partial last line).
#   gen_output.pl check SEED MAX MODES N OUT ERR STATUS
#       Check fanout's stdout (file OUT), stderr (file ERR) and exit STATUS
#       for jobs 1..N byte for byte; say what is wrong and exit 1 if not.
#   gen_output.pl expect SEED MAX MODES ID WHICH
#       Print job ID's stream WHICH (0 stdout, 1 stderr), as the job writes
#       it (for debugging a failure).
#
# Everything about job ID (sizes, lines, pieces, pauses, exit code) comes
# from a xorshift generator seeded with SEED and ID, so the job and the
# checker agree without talking. Only core Perl (perl-base) is used.
use strict;
use warnings;

# Payload text: a prime-length pattern (cheap to make at each job's start).
my $ALPHA = join('', map { chr(97 + ($_ * 7 + int($_ / 26)) % 26) } 0 .. 996) x 33;

my $s;
sub seed { $s = ($_[0] * 2654435761 + $_[1] * 40503 + 12345) & 0xFFFFFFFF; $s ||= 1; rnd(2) for 1 .. 4 }
sub rnd {
	$s ^= ($s << 13) & 0xFFFFFFFF;
	$s ^= $s >> 17;
	$s ^= ($s << 5) & 0xFFFFFFFF;
	return $_[0] > 0 ? $s % $_[0] : 0;
}

# One stream of job ID: lines "ID:C:K:payload\n", exactly SIZE bytes, every
# line's header whole; the last line partial or not as PARTIAL says.
sub stream {
	my ($id, $c, $size, $partial) = @_;
	return '' if $size == 0;
	my ($len, $k, @l) = (0, 0);
	while ($len < $size) {
		my $p = rnd(12) == 0 ? rnd(20000) : rnd(120);
		my $line = "$id:$c:$k:" . substr($ALPHA, rnd(10000), $p) . "\n";
		$k++;
		push @l, $line;
		$len += length $line;
	}
	my $over = $len - $size;
	my $last = $l[-1];
	my $hdr = $last =~ /^(\d+:\w:\d+:)/ ? length $1 : 0;
	if (length($last) - $over < $hdr + 1 && @l > 1) {
		pop @l;
		$len -= length $last;
		$l[-1] = substr($l[-1], 0, -1) . ('x' x ($size - $len)) . "\n";
	} else {
		$l[-1] = substr($last, 0, length($last) - $over);
	}
	my $t = join '', @l;
	if ($partial && substr($t, -1) eq "\n") {
		substr($t, -1) = 'y';
	} elsif (!$partial && substr($t, -1) ne "\n") {
		substr($t, -1) = "\n";
	}
	return $t;
}

# Job ID's parameters: (stdout, stderr, exit code, first pause in ms).
sub job {
	my ($seed, $max, $modes, $id) = @_;
	seed($seed, $id);
	my $r = rnd(100);
	my $n0 = $r < 20 ? 0 : $r < 50 ? rnd(2000) : $r < 85 ? rnd(65536) : rnd($max + 1);
	$r = rnd(100);
	my $n1 = $r < 60 ? 0 : $r < 90 ? rnd(500) : rnd(int($max / 8) + 1);
	$n0 = 40 if $n0 > 0 && $n0 < 40;
	$n1 = 40 if $n1 > 0 && $n1 < 40;
	my $u = $modes =~ /\bu\b/;
	my $o = stream($id, 'o', $n0, !$u && rnd(3) == 0);
	my $e = stream($id, 'e', $n1, !$u && rnd(3) == 0);
	my $code = rnd(10) == 0 ? 1 + rnd(5) : 0;
	my $pause = rnd(10) < 3 ? rnd(30) : 0;
	return ($o, $e, $code, $pause);
}

sub pause { select(undef, undef, undef, $_[0] / 1000) if $_[0] > 0 }

sub put {
	my ($fh, $buf) = @_;
	my $off = 0;
	while ($off < length $buf) {
		my $w = syswrite($fh, $buf, length($buf) - $off, $off);
		die "gen_output: write: $!\n" unless defined $w;
		$off += $w;
	}
}

sub run_job {
	my ($seed, $max, $modes, $id) = @_;
	my @st = job($seed, $max, $modes, $id);
	my $u = $modes =~ /\bu\b/;
	my @pos = (0, 0);
	my @fh = (\*STDOUT, \*STDERR);
	pause($st[3]);
	while ($pos[0] < length $st[0] || $pos[1] < length $st[1]) {
		my $w = $pos[0] >= length $st[0] ? 1 : $pos[1] >= length $st[1] ? 0 : rnd(4) == 0;
		my $n = 1 + rnd((1, 100, 5000, 70000)[rnd(4)]);
		my $rest = length($st[$w]) - $pos[$w];
		$n = $rest if $n > $rest;
		if ($u) {
			# Whole lines per write: then nothing can tear them.
			my $nl = index($st[$w], "\n", $pos[$w] + $n - 1);
			$n = $nl - $pos[$w] + 1;
		}
		put($fh[$w], substr($st[$w], $pos[$w], $n));
		$pos[$w] += $n;
		pause(rnd(5)) if rnd(10) == 0;
	}
	exit $st[2];
}

# What fanout shows of one stream: a newline added under --line-buffer,
# each line tagged under --tag.
sub shown {
	my ($t, $id, $line, $tag) = @_;
	return '' if $t eq '';
	$t .= "\n" if $line && substr($t, -1) ne "\n";
	$t =~ s/^/$id\t/mg if $tag;
	return $t;
}

sub slurp {
	my ($f) = @_;
	open(my $fh, '<', $f) or die "gen_output: $f: $!\n";
	binmode $fh;
	local $/;
	my $t = <$fh>;
	return defined $t ? $t : '';
}

sub where {
	my ($t, $p) = @_;
	my $a = $p < 60 ? 0 : $p - 60;
	my $ctx = substr($t, $a, 120);
	$ctx =~ s/\n/\\n/g;
	$ctx =~ s/\t/\\t/g;
	return "at byte $p: ...$ctx...";
}

# Where fanout's failure lines were, named_failures() left a "\0"; fanout
# puts a newline before such a line when the stream was in the middle of a
# line, so "x\n\0" may hide a newline that no job wrote.

# Past the marks at a grouped piece's end (P), and fanout's newline
# before one.
sub skip_marks {
	my ($got, $p) = @_;
	for (;;) {
		if (substr($got, $p, 1) eq "\0") {
			$p++;
		} elsif (substr($got, $p, 2) eq "\n\0" && $p > 0 &&
			 substr($got, $p - 1, 1) ne "\n") {
			$p += 2;
		} else {
			return $p;
		}
	}
}

# The number of leading bytes A and B have in common.
sub common {
	my ($a, $b) = @_;
	my $p = 0;
	$p++ while $p < length $a && $p < length $b &&
		substr($a, $p, 1) eq substr($b, $p, 1);
	return $p;
}

# Is ${GOT} from I, with its marks, ${WANT} from J? Under -k a mark can lie
# inside the head job's piece (it streams), so its newline is told from
# the job's own by the rest matching: -1 if it does, else where it fails.
sub match_marked {
	my ($got, $i, $want, $j) = @_;
	for (;;) {
		my $m = index($$got, "\0", $i);
		my $end = $m < 0 ? length $$got : $m;
		my $len = $end - $i;
		my $seg = substr($$got, $i, $len);
		my $fail;
		if ($m >= 0 && $len > 0 && substr($seg, -1) eq "\n" &&
		    ($end < 2 || substr($$got, $end - 2, 1) ne "\n") &&
		    substr($$want, $j, $len - 1) eq substr($seg, 0, -1)) {
			# fanout's newline; if the rest says not, the job's own
			$fail = match_marked($got, $m + 1, $want, $j + $len - 1);
			return -1 if $fail < 0;
		}
		if ($m < 0 ? substr($$want, $j) ne $seg
			   : substr($$want, $j, $len) ne $seg) {
			return $fail // $i + common($seg, substr($$want, $j, $len));
		}
		return -1 if $m < 0;
		$i = $m + 1;
		$j += $len;
	}
}

sub check_stream {
	my ($name, $got, $exp, $modes, $n) = @_;
	my $k = $modes =~ /\bk\b/;
	my $line = $modes =~ /\bline\b/;
	my $tag = $modes =~ /\btag\b/;
	my $u = $modes =~ /\bu\b/;
	my @bad;
	if ($k) {
		# Input order, every job whole.
		my $want = join '', @$exp[1 .. $n];
		my $p = match_marked(\$got, 0, \$want, 0);
		return () if $p < 0;
		(my $plain = $got) =~ tr/\0//d;
		return ("$name: not the jobs' output in input order: differs " .
			where($got, $p) . " (length " . length($plain) .
			" without fanout's lines, want " . length($want) . ")");
	}
	if ($line || $u) {
		# (Lines are whole here: fanout never needs a newline of its own.)
		$got =~ tr/\0//d;
		# Whole lines of any job in any order; each job's lines in its order.
		return ("$name: does not end with a newline") if $got ne '' && substr($got, -1) ne "\n";
		my %per;
		my $re = $tag ? qr/^(\d+)\t/ : qr/^(\d+):/;
		my $p = 0;
		for my $l (split /^/m, $got) {
			return ("$name: a line of no job " . where($got, $p)) unless $l =~ $re && $1 >= 1 && $1 <= $n;
			$per{$1} .= $l;
			$p += length $l;
		}
		for my $id (1 .. $n) {
			my $g = defined $per{$id} ? $per{$id} : '';
			next if $g eq $exp->[$id];
			push @bad, "$name: job $id: its lines differ (" . length($g) .
				" bytes, want " . length($exp->[$id]) . ")";
			last if @bad > 5;
		}
		return @bad;
	}
	# Grouped: one whole piece per job, in any order.
	my %seen;
	my $p = 0;
	my $re = $tag ? qr/\G(\d+)\t/ : qr/\G(\d+):/;
	while (($p = skip_marks($got, $p)) < length $got) {
		pos($got) = $p;
		return ("$name: no job's piece starts " . where($got, $p)) unless $got =~ /$re/g;
		my $id = $1;
		return ("$name: job $id out of range " . where($got, $p)) if $id < 1 || $id > $n;
		return ("$name: job $id shows up twice " . where($got, $p)) if $seen{$id}++;
		my $w = $exp->[$id];
		return ("$name: job $id is not whole " . where($got, $p)) if substr($got, $p, length $w) ne $w;
		$p += length $w;
	}
	for my $id (1 .. $n) {
		push @bad, "$name: job $id is missing" if $exp->[$id] ne '' && !$seen{$id};
		last if @bad > 5;
	}
	return @bad;
}

# fanout's line for each failed job ("fanout: job 3 [pid 4242]: 'cmd'
# exited with status 2"), whole, once per job, wherever it lies in stderr:
# the statuses go into %named, and stderr with each of those lines made a
# "\0" mark is returned, with what is wrong.
our %named;
sub named_failures {
	my ($err, $n) = @_;
	my @bad;
	%named = ();
	while ($err =~ s/fanout: job (\d+) \[pid \d+\]: '[^'\n]*(?:'[^'\n]*)*' exited with status (\d+)(?: after \d+ attempts)?\n/\0/) {
		push @bad, "job $1 named twice on stderr" if exists $named{$1};
		$named{$1} = $2;
	}
	push @bad, "a fanout line that is not a whole failure line: " .
		where($err, $-[0]) if $err =~ /fanout:/;
	return ($err, @bad);
}

sub check {
	my ($seed, $max, $modes, $n, $outf, $errf, $status) = @_;
	my (@e0, @e1);
	my $fails = 0;
	my $line = $modes =~ /\bline\b/;
	my $tag = $modes =~ /\btag\b/;
	for my $id (1 .. $n) {
		my @st = job($seed, $max, $modes, $id);
		$e0[$id] = shown($st[0], $id, $line, $tag);
		$e1[$id] = shown($st[1], $id, $line, $tag);
		$fails++ if $st[2];
	}
	my ($err, @named) = named_failures(slurp($errf), $n);
	my @bad = (check_stream('stdout', slurp($outf), \@e0, $modes, $n),
		   check_stream('stderr', $err, \@e1, $modes, $n), @named);
	for my $id (1 .. $n) {
		my $code = (job($seed, $max, $modes, $id))[2];
		my $said = $named{$id};
		next if (!$code && !defined $said) || (defined $said && $said == $code);
		push @bad, "job $id exits $code: " . (defined $said ?
			"named as exiting $said" : "not named on stderr");
		last if @bad > 5;
	}
	my $want = $fails ? 1 : 0;
	push @bad, "exit status $status, want $want ($fails jobs fail)" if $status != $want;
	print STDERR "$_\n" for @bad;
	exit(@bad ? 1 : 0);
}

my $cmd = shift // '';
if ($cmd eq 'job' && @ARGV == 4) {
	run_job(@ARGV);
} elsif ($cmd eq 'check' && @ARGV == 7) {
	check(@ARGV);
} elsif ($cmd eq 'expect' && @ARGV == 5) {
	my @st = job(@ARGV[0 .. 3]);
	binmode STDOUT;
	print $st[$ARGV[4]];
} else {
	die "usage: gen_output.pl job SEED MAX MODES ID | check SEED MAX MODES N OUT ERR STATUS | expect SEED MAX MODES ID WHICH\n";
}
