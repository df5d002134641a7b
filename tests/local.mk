# tests/: unit tests (C, TAP) and integration scripts (sh, TAP), all run by
# `make check` through automake's TAP driver.
TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	srcdir='$(abs_top_srcdir)'; builddir='$(abs_top_builddir)'; \
	ASAN_OPTIONS='detect_leaks=1:abort_on_error=0:halt_on_error=1'; \
	UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1'; \
	export srcdir builddir ASAN_OPTIONS UBSAN_OPTIONS;

EXTRA_DIST += tests/tap.h tests/lib.sh tests/feeder/logs
EXTRA_DIST += tests/feeder/mails tests/e2e/lib.sh

UNIT_TESTS = \
	tests/zones/test_addr \
	tests/zones/test_record \
	tests/zones/test_policy \
	tests/zones/test_conf \
	tests/zones/test_store \
	tests/zones/test_log \
	tests/dnsd/test_answer \
	tests/dnsd/test_policy \
	tests/ctl/test_dnset \
	tests/feeder/test_classify \
	tests/feeder/test_mail \
	tests/feeder/test_logline \
	tests/feeder/test_feed \
	tests/feeder/test_sender \
	tests/feeder/test_exim \
	tests/feeder/test_from \
	tests/feeder/test_keyset \
	tests/feeder/test_history

check_PROGRAMS += $(UNIT_TESTS) tests/dnsd/rawq
check_PROGRAMS += tests/e2e/smtpstub
check_PROGRAMS += tests/dnsd/policyq
# sd_notify, reloads, rate limiting, metrics of the daemons.
check_PROGRAMS += tests/zones/notifyd tests/dnsd/burst tests/dnsd/test_rrl
TESTS += tests/dnsd/test_rrl
tests_dnsd_test_rrl_LDADD = libdnsd.a $(ZONES_LIBS)
TESTS += $(UNIT_TESTS)

tests_zones_test_addr_LDADD = $(ZONES_LIBS)
tests_zones_test_record_LDADD = $(ZONES_LIBS)
tests_zones_test_policy_LDADD = $(ZONES_LIBS)
tests_zones_test_conf_LDADD = $(ZONES_LIBS)
tests_zones_test_store_LDADD = $(ZONES_LIBS)
tests_zones_test_log_LDADD = $(ZONES_LIBS)
tests_dnsd_test_answer_LDADD = libdnsd.a $(ZONES_LIBS)
tests_dnsd_test_policy_LDADD = libdnsd.a $(ZONES_LIBS)
tests_dnsd_policyq_LDADD = $(ZONES_LIBS)
tests_ctl_test_dnset_LDADD = libctl.a $(ZONES_LIBS)
tests_dnsd_rawq_LDADD = $(ZONES_LIBS)
tests_e2e_smtpstub_LDADD = $(ZONES_LIBS)
tests_feeder_test_classify_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_mail_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_logline_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_feed_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_sender_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_exim_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_from_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_keyset_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_history_LDADD = libfeeder.a $(ZONES_LIBS)

INTEGRATION_TESTS = \
	tests/dnsd/dns.sh \
	tests/dnsd/malformed.sh \
	tests/dnsd/policy.sh \
	tests/ctl/ctl.sh \
	tests/feeder/feeder.sh \
	tests/feeder/crash.sh \
	tests/e2e/postfix.sh \
	tests/e2e/policy.sh
# Packaging: shipped files and man pages; the .deb (skips without debhelper).
INTEGRATION_TESTS += tests/pkg/files.sh tests/pkg/deb.sh
# Exim, a local resolver (unbound, BIND), rsyslog, SpamAssassin (and
# rspamd with E2E_RSPAMD=1) run with the contrib/ snippets, in network
# namespaces of their own (tests/e2e/netns.sh).
INTEGRATION_TESTS += tests/e2e/exim.sh tests/e2e/resolver.sh tests/e2e/rsyslog.sh \
	tests/e2e/filters.sh
EXTRA_DIST += tests/e2e/netns.sh
# sd_notify and SIGHUP of the daemons, DNS rate limiting, /metrics.
INTEGRATION_TESTS += tests/dnsd/notify.sh tests/dnsd/rrl.sh \
	tests/dnsd/metrics.sh tests/feeder/reload.sh
# Hardening (issue #7): started as root, the daemons switch users; a
# full disk and a full LMDB map (both need root, or skip).
INTEGRATION_TESTS += tests/hardening/priv.sh tests/hardening/diskfull.sh
# The unit tests' shared header (make distcheck needs it in the tarball).
EXTRA_DIST += tests/feeder/feedtest.h
dist_check_SCRIPTS = $(INTEGRATION_TESTS)
TESTS += $(INTEGRATION_TESTS)

# sync/: identity, signed batches, apply and serve; rebondctl keygen/peer.
SYNC_TESTS = tests/sync/test_key tests/sync/test_batch tests/sync/test_apply
check_PROGRAMS += $(SYNC_TESTS) tests/sync/vectors
TESTS += $(SYNC_TESTS) tests/ctl/peer.sh
dist_check_SCRIPTS += tests/ctl/peer.sh
tests_sync_test_key_LDADD = libsync.a $(ZONES_LIBS)
tests_sync_test_batch_SOURCES = tests/sync/test_batch.c tests/sync/vectors.h
tests_sync_test_batch_LDADD = libsync.a $(ZONES_LIBS)
tests_sync_test_apply_LDADD = libsync.a $(ZONES_LIBS)
tests_sync_vectors_SOURCES = tests/sync/vectors.c tests/sync/vectors.h
tests_sync_vectors_LDADD = libsync.a $(ZONES_LIBS)
# rebond-sync between nodes on loopback; syncreq makes hand-made requests,
# slowconn slow clients (hostile.sh: what a hostile client can hold).
check_PROGRAMS += tests/sync/syncreq tests/sync/slowconn
tests_sync_syncreq_LDADD = libsync.a $(ZONES_LIBS)
SYNC_SHTESTS = tests/sync/sync.sh tests/sync/auth.sh tests/sync/report.sh \
	tests/sync/crash.sh tests/sync/hostile.sh
TESTS += $(SYNC_SHTESTS)
dist_check_SCRIPTS += $(SYNC_SHTESTS)
EXTRA_DIST += tests/sync/lib.sh
# What an operator sees: the store's listing statistics and metrics;
# rebondctl stats, report and metrics on a generated log.
check_PROGRAMS += tests/zones/test_metrics
TESTS += tests/zones/test_metrics tests/ctl/report.sh
dist_check_SCRIPTS += tests/ctl/report.sh
tests_zones_test_metrics_LDADD = libfeeder.a $(ZONES_LIBS)
# rebondctl check-domain: the record parsers, and the findings for test
# domains served by a local unbound.
check_PROGRAMS += tests/ctl/test_spf
TESTS += tests/ctl/test_spf tests/ctl/checkdomain.sh
dist_check_SCRIPTS += tests/ctl/checkdomain.sh
tests_ctl_test_spf_LDADD = libctl.a $(ZONES_LIBS)
