#!/usr/bin/env perl
# Business::Hours (the engine behind Request Tracker's SLAs) on slaledger's query set.
#
#   perl business_hours.pl DUMP [RANGES] [DEADLINES]
#
# DUMP is written by `compare_workclock --dump` (benches/compare/workclock.rs): the
# calendar, slaledger's throughput, and per query slaledger's answer. The first RANGES
# ranges of each kind (year-long, short) and DEADLINES deadlines are answered here
# (Business::Hours takes milliseconds a query), timed, and compared with slaledger's
# answers. Two differences are Business::Hours' rules, not bugs of either engine, and are
# counted apart:
#   - `between(a, b)` counts the business seconds of [a, b], end included; slaledger counts
#     [a, b). When the second b is business time the peer is one second more.
#   - `add_seconds` answers a business second: a deadline that uses up a window exactly
#     lands on the next opening, where slaledger answers the close (the earliest instant
#     with that much working time behind it).
# Anything else is a disagreement, shown and counted; the exit status is 1 if there is one.
# Then rule probes show where Business::Hours differs off the query set (DST days,
# holidays, its search horizon).
use strict;
use warnings;
use Business::Hours;
use POSIX qw(strftime tzset);
use Time::HiRes ();
use Time::Local qw(timelocal_nocheck);

my ($dump, $max_ranges, $max_deadlines) = @ARGV;
die "usage: $0 DUMP [RANGES] [DEADLINES]\n" unless defined $dump;
$max_ranges    //= 2000;
$max_deadlines //= 2000;

my ($zone, %hours, @holidays, %ours_rate, @ranges, @short, @deadlines);
open my $in, '<', $dump or die "$dump: $!\n";
while (<$in>) {
    chomp;
    next if /^#/;
    my @f = split /\t/;
    if    ($f[0] eq 'zone')            { $zone = $f[1] }
    elsif ($f[0] eq 'hours')           { $hours{ $f[1] } = { Start => $f[2], End => $f[3] } }
    elsif ($f[0] eq 'holiday')         { push @holidays, $f[1] }
    elsif ($f[0] eq 'slaledger_per_s') { $ours_rate{ $f[1] } = $f[2] }
    elsif ($f[0] eq 'W') { push @ranges, [ @f[ 1 .. 4 ] ] if @ranges < $max_ranges }
    elsif ($f[0] eq 'S') { push @short, [ @f[ 1 .. 4 ] ] if @short < $max_ranges }
    elsif ($f[0] eq 'D') { push @deadlines, [ @f[ 1 .. 4 ] ] if @deadlines < $max_deadlines }
}
close $in;
die "$dump: no zone line\n" unless $zone;

# Business::Hours works in the process's local time: the zone is the TZ variable.
$ENV{TZ} = $zone;
tzset();

my $bh = Business::Hours->new;
$bh->business_hours(
    (map { $_ => $hours{$_} || { Start => undef, End => undef } } 0 .. 6),
    holidays => [@holidays],
);

sub local_time { strftime('%a %F %T %Z', localtime $_[0]) }

# Answers first (untimed) so that the comparison does not weigh on the timing.
my %count;
my @shown;
sub tally {
    my ($kind, $class, $detail) = @_;
    $count{$kind}{$class}++;
    push @shown, "  $kind ($class): $detail" if $class eq 'DISAGREES' && @shown < 10;
}

for my $set ([ 'between, ranges in 2026', \@ranges ], [ 'between, short ranges', \@short ]) {
    my ($kind, $queries) = @$set;
    for my $q (@$queries) {
        my ($from, $to, $ours, $end_working) = @$q;
        $bh->for_timespan(Start => $from, End => $to);
        my $got = $bh->between($from, $to);
        my $class
            = $got == $ours                 ? 'same'
            : $got == $ours + $end_working ? 'end second counted'
            :                                'DISAGREES';
        tally($kind, $class,
            sprintf('%s to %s: slaledger %d s, Business::Hours %d s',
                local_time($from), local_time($to), $ours, $got));
    }
}
for my $q (@deadlines) {
    my ($from, $seconds, $ours, $open) = @$q;
    my $got = $bh->add_seconds($from, $seconds);
    my $class
        = $got == $ours ? 'same'
        : $got == $open ? 'next opening instead of the close'
        :                 'DISAGREES';
    tally('add_seconds', $class,
        sprintf('%s plus %d s: slaledger %s, Business::Hours %s',
            local_time($from), $seconds, local_time($ours), $got < 0 ? $got : local_time($got)));
}

# Timing: one pass each, as RT uses it (for_timespan + between; add_seconds).
my $t = Time::HiRes::time();
for my $q (@ranges) {
    $bh->for_timespan(Start => $q->[0], End => $q->[1]);
    $bh->between($q->[0], $q->[1]);
}
my $between_s = Time::HiRes::time() - $t;
$t = Time::HiRes::time();
for my $q (@short) {
    $bh->for_timespan(Start => $q->[0], End => $q->[1]);
    $bh->between($q->[0], $q->[1]);
}
my $short_s = Time::HiRes::time() - $t;
$t = Time::HiRes::time();
$bh->add_seconds($_->[0], $_->[1]) for @deadlines;
my $add_s = Time::HiRes::time() - $t;

printf "Business::Hours %s (Set::IntSpan %s), perl %vd, TZ=%s, holidays %d\n",
    $Business::Hours::VERSION, $Set::IntSpan::VERSION, $^V, $zone, scalar @holidays;
for my $kind ('between, ranges in 2026', 'between, short ranges', 'add_seconds') {
    my $n = 0;
    $n += $_ for values %{ $count{$kind} || {} };
    printf "%s: %d queries: %s\n", $kind, $n,
        join(', ', map {"$_ $count{$kind}{$_}"} sort keys %{ $count{$kind} || {} });
}
print "$_\n" for @shown;

print "\n| query | slaledger | Business::Hours | slaledger / Business::Hours |\n|---|---|---|---|\n";
my @rows = (
    [ 'working_time / for_timespan + between, random ranges in 2026', 'working_time', scalar @ranges, $between_s ],
    [ 'working_time / for_timespan + between, short ranges (up to 3 days)', 'working_time_short', scalar @short, $short_s ],
    [ 'add_working_time / add_seconds, SLA targets 15m-8h', 'deadline_sla', scalar @deadlines, $add_s ],
);
for my $row (@rows) {
    my ($what, $key, $n, $secs) = @$row;
    next unless $n;
    my $peer = $n / $secs;
    printf "| %s | %.2f M/s | %.1f /s (%d in %.2f s) | %.0fx |\n",
        $what, $ours_rate{$key} / 1e6, $peer, $n, $secs, $ours_rate{$key} / $peer;
}
# Rule probes: fixed cases outside the query set where Business::Hours follows a rule of its
# own (DST days, holidays without a year, its 30-day horizon). slaledger's answers are its
# documented rules (docs/semantics.md §2), as `slaledger calendar ... working-time`
# prints them. Informational: a probe never fails the run.
sub at { my ($y, $m, $d, $h) = @_; timelocal_nocheck(0, 0, $h // 0, $d, $m - 1, $y) }
sub probe_hours {
    my ($start, $end, @holidays) = @_;
    my $p = Business::Hours->new;
    $p->business_hours((map { $_ => { Start => $start, End => $end } } 0 .. 6), holidays => [@holidays]);
    return $p;
}
# [what, Start, End, holidays, [from, to] of the query (to inclusive, as Business::Hours
# counts), slaledger's seconds, why they differ, and optionally the span computed first]
my $day = sub { my ($y, $m, $d) = @_; [ at($y, $m, $d), at($y, $m, $d + 1) - 1 ] };
my @probes = (
    [ '02:30-04:00 every day, 8 March 2026 (spring forward)', '2:30', '4:00', [],
      $day->(2026, 3, 8), 3600,
      'timelocal moves a start in the gap forward by the gap (03:30 EDT); slaledger takes the first instant after it (03:00 EDT)' ],
    [ '02:30-03:30 every day, 8 March 2026', '2:30', '3:30', [],
      $day->(2026, 3, 8), 1800,
      'the window maps to 03:30-03:30 EDT, an empty run, and Set::IntSpan dies ("Bad order"): no answer at all' ],
    [ '01:30-02:30 every day, 1 November 2026 (fall back)', '1:30', '2:30', [],
      $day->(2026, 11, 1), 7200, 'the same: the earlier 01:30, 2 real hours' ],
    [ '00:00-04:00 every day, 1 November 2026', '0:00', '4:00', [],
      $day->(2026, 11, 1), 18000, 'the same: 5 real hours' ],
    [ 'all day, holiday 2026-11-01 (a 25-hour day)', '0:00', '0:00', ['2026-11-01'],
      $day->(2026, 11, 1), 0,
      'a holiday is 86,400 s from local midnight (and its closing second): the 25th hour stays open' ],
    [ 'all day, holiday 2026-03-08 (a 23-hour day), to 9 March 01:00', '0:00', '0:00', ['2026-03-08'],
      [ at(2026, 3, 8), at(2026, 3, 9, 1) - 1 ], 3600,
      'a holiday is 86,400 s from local midnight: it also closes 00:00-01:00 of the next day' ],
    [ '09:00-17:00 every day, holiday "12-25" (every year): 2026-12-25, in a span from 2025-12-01 to 2027-12-31',
      '9:00', '17:00', ['12-25'], $day->(2026, 12, 25), 0,
      'a holiday without a year applies to the first and last year of the span only: 2026-12-25 is worked',
      [ at(2025, 12, 1), at(2027, 12, 31) ] ],
);
print "\nrule probes (not in the query set; America/New_York):\n";
for my $p (@probes) {
    my ($what, $start, $end, $holidays, $query, $ours, $why, $span) = @$p;
    $span //= $query;
    my $hours = probe_hours($start, $end, @$holidays);
    my $got = eval {
        $hours->for_timespan(Start => $span->[0], End => $span->[1]);
        $hours->between(@$query);
    };
    printf "  %s: slaledger %d s, Business::Hours %s%s\n", $what, $ours,
        defined $got ? "$got s" : 'dies', defined $got && $got == $ours ? '' : " -- $why";
}
{
    my $hours = probe_hours('9:00', '17:00');
    my $got = $hours->add_seconds(at(2026, 1, 5, 9), 240 * 3600);
    printf "  240 working hours from Monday 2026-01-05 09:00, 09:00-17:00 every day: slaledger %s, Business::Hours %s\n",
        'Tue 2026-02-03 17:00:00 EST',
        $got < 0 ? "$got -- add_seconds gives up unless the answer is less than 29 days away (29 days 8 hours here)"
                 : local_time($got);
}

my $bad = 0;
$bad += $_->{DISAGREES} // 0 for values %count;
print $bad ? "\nFAILED: $bad unexplained disagreement(s)\n" : "\nevery difference on the query set is one of the two documented rules\n";
exit($bad ? 1 : 0);
