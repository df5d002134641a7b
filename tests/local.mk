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
EXTRA_DIST += tests/feeder/mails

UNIT_TESTS = \
	tests/zones/test_addr \
	tests/zones/test_record \
	tests/zones/test_policy \
	tests/zones/test_conf \
	tests/zones/test_store \
	tests/zones/test_log \
	tests/dnsd/test_answer \
	tests/ctl/test_dnset \
	tests/feeder/test_classify \
	tests/feeder/test_mail \
	tests/feeder/test_logline \
	tests/feeder/test_feed \
	tests/feeder/test_sender \
	tests/feeder/test_exim

check_PROGRAMS += $(UNIT_TESTS) tests/dnsd/rawq
check_PROGRAMS += tests/e2e/smtpstub
TESTS += $(UNIT_TESTS)

tests_zones_test_addr_LDADD = $(ZONES_LIBS)
tests_zones_test_record_LDADD = $(ZONES_LIBS)
tests_zones_test_policy_LDADD = $(ZONES_LIBS)
tests_zones_test_conf_LDADD = $(ZONES_LIBS)
tests_zones_test_store_LDADD = $(ZONES_LIBS)
tests_zones_test_log_LDADD = $(ZONES_LIBS)
tests_dnsd_test_answer_LDADD = libdnsd.a $(ZONES_LIBS)
tests_ctl_test_dnset_LDADD = libctl.a $(ZONES_LIBS)
tests_dnsd_rawq_LDADD = $(ZONES_LIBS)
tests_e2e_smtpstub_LDADD = $(ZONES_LIBS)
tests_feeder_test_classify_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_mail_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_logline_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_feed_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_sender_LDADD = libfeeder.a $(ZONES_LIBS)
tests_feeder_test_exim_LDADD = libfeeder.a $(ZONES_LIBS)

INTEGRATION_TESTS = \
	tests/dnsd/dns.sh \
	tests/dnsd/malformed.sh \
	tests/ctl/ctl.sh \
	tests/feeder/feeder.sh \
	tests/feeder/crash.sh \
	tests/e2e/postfix.sh
dist_check_SCRIPTS = $(INTEGRATION_TESTS)
TESTS += $(INTEGRATION_TESTS)
