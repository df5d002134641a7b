# fuzz/: one libFuzzer target per parser.  Without --enable-fuzzing each
# target is linked with a standalone driver and `make check` runs it over
# its seed corpus and past crashes (fuzz/corpus/TARGET/).  With
#   ./configure CC=clang --enable-fuzzing && make fuzz FUZZ_SECONDS=60
# each target is fuzzed for FUZZ_SECONDS.
FUZZ_TARGETS = fuzz/fuzz_answer fuzz/fuzz_dnset fuzz/fuzz_conf fuzz/fuzz_record \
	fuzz/fuzz_rules fuzz/fuzz_mail fuzz/fuzz_loglines fuzz/fuzz_policy \
	fuzz/fuzz_batch
# rebond-sync: the bodies peers send (cursor lists, bounce reports).
FUZZ_TARGETS += fuzz/fuzz_peerwire
# rebondctl check-domain: SPF records; DMARC and DKIM key records.
FUZZ_TARGETS += fuzz/fuzz_spf fuzz/fuzz_dmarc
EXTRA_DIST += fuzz/corpus fuzz/run.sh

if FUZZING
noinst_PROGRAMS += $(FUZZ_TARGETS)
FUZZMAIN =
FUZZLINK = -fsanitize=fuzzer
else
check_PROGRAMS += $(FUZZ_TARGETS)
FUZZMAIN = fuzz/standalone.c
FUZZLINK =
TESTS += fuzz/run.sh
endif

fuzz_fuzz_answer_SOURCES = fuzz/fuzz_answer.c $(FUZZMAIN)
fuzz_fuzz_answer_LDADD = libdnsd.a $(ZONES_LIBS)
fuzz_fuzz_answer_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_policy_SOURCES = fuzz/fuzz_policy.c $(FUZZMAIN)
fuzz_fuzz_policy_LDADD = libdnsd.a $(ZONES_LIBS)
fuzz_fuzz_policy_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_batch_SOURCES = fuzz/fuzz_batch.c $(FUZZMAIN)
fuzz_fuzz_batch_LDADD = libsync.a $(ZONES_LIBS)
fuzz_fuzz_batch_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_peerwire_SOURCES = fuzz/fuzz_peerwire.c $(FUZZMAIN)
fuzz_fuzz_peerwire_LDADD = libsync.a $(ZONES_LIBS)
fuzz_fuzz_peerwire_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_dnset_SOURCES = fuzz/fuzz_dnset.c $(FUZZMAIN)
fuzz_fuzz_dnset_LDADD = libctl.a $(ZONES_LIBS)
fuzz_fuzz_dnset_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_spf_SOURCES = fuzz/fuzz_spf.c $(FUZZMAIN)
fuzz_fuzz_spf_LDADD = libctl.a $(ZONES_LIBS)
fuzz_fuzz_spf_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_dmarc_SOURCES = fuzz/fuzz_dmarc.c $(FUZZMAIN)
fuzz_fuzz_dmarc_LDADD = libctl.a $(ZONES_LIBS)
fuzz_fuzz_dmarc_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_conf_SOURCES = fuzz/fuzz_conf.c $(FUZZMAIN)
fuzz_fuzz_conf_LDADD = $(ZONES_LIBS)
fuzz_fuzz_conf_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_record_SOURCES = fuzz/fuzz_record.c $(FUZZMAIN)
fuzz_fuzz_record_LDADD = $(ZONES_LIBS)
fuzz_fuzz_record_LDFLAGS = $(FUZZLINK)

fuzz_fuzz_rules_SOURCES = fuzz/fuzz_rules.c $(FUZZMAIN)
fuzz_fuzz_rules_LDADD = libfeeder.a $(ZONES_LIBS)
fuzz_fuzz_rules_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_mail_SOURCES = fuzz/fuzz_mail.c $(FUZZMAIN)
fuzz_fuzz_mail_LDADD = libfeeder.a $(ZONES_LIBS)
fuzz_fuzz_mail_LDFLAGS = $(FUZZLINK)
fuzz_fuzz_loglines_SOURCES = fuzz/fuzz_loglines.c $(FUZZMAIN)
fuzz_fuzz_loglines_LDADD = libfeeder.a $(ZONES_LIBS)
fuzz_fuzz_loglines_LDFLAGS = $(FUZZLINK)

FUZZ_SECONDS = 30
fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
		n=$$(basename $$t | sed 's/^fuzz_//'); \
		mkdir -p fuzz-work/$$n; \
		echo "fuzzing $$n for $(FUZZ_SECONDS)s"; \
		./$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		    -artifact_prefix=fuzz-work/$$n- fuzz-work/$$n \
		    $(abs_top_srcdir)/fuzz/corpus/$$n || exit 1; \
	done
.PHONY: fuzz
