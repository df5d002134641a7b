# bench/: benchmark scripts and programs (not run by make check).
EXTRA_PROGRAMS = bench/answer_bench
bench_answer_bench_LDADD = libdnsd.a $(ZONES_LIBS)
CLEANFILES += bench/answer_bench
EXTRA_DIST += bench/dnsd.sh bench/feeder.sh bench/sync.sh bench/flood.sh
# rebondctl report, metrics and stats on a million listings and a year
# of counters.
EXTRA_DIST += bench/report.sh
# What a hostile client can make rebond-sync spend (after make
# tests/sync/syncreq tests/sync/slowconn); DNS from forged sources in
# network namespaces (make bench/spoofq).
EXTRA_PROGRAMS += bench/spoofq
CLEANFILES += bench/spoofq
EXTRA_DIST += bench/hostile.sh bench/flood-netns.sh
