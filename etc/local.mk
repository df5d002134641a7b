# etc/: the configuration `make install` puts in $(sysconfdir)/rebond:
# rebond.conf, made at build time from `rebondctl config` (every option
# commented out at its default, state-dir /var/lib/rebond, rules the
# classify.rules installed beside it), and contrib/classify.rules.
# An existing file is never overwritten (a Debian package gets them as
# conffiles through DESTDIR, where there is none); `make uninstall`
# removes a file only if it is still the one installed.
rebondconfdir = $(sysconfdir)/rebond
REBOND_ETC = etc/rebond.conf $(srcdir)/contrib/classify.rules

noinst_DATA += etc/rebond.conf
CLEANFILES += etc/rebond.conf etc/rebond.conf.dump etc/rebond.conf.tmp
EXTRA_DIST += etc/mkconf.awk

etc/rebond.conf: rebondctl$(EXEEXT) $(srcdir)/etc/mkconf.awk Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	ASAN_OPTIONS=detect_leaks=0 ./rebondctl$(EXEEXT) -c /dev/null config \
	    > $@.dump && \
	$(AWK) -v statedir=/var/lib/rebond \
	    -v rules='$(rebondconfdir)/classify.rules' \
	    -f $(srcdir)/etc/mkconf.awk $@.dump > $@.tmp && \
	rm -f $@.dump && mv $@.tmp $@

# Hooked into install-data-local by contrib/systemd/local.mk (automake
# takes one definition of it).
install-rebond-etc: $(REBOND_ETC)
	$(MKDIR_P) '$(DESTDIR)$(rebondconfdir)'
	@for f in $(REBOND_ETC); do \
	  d='$(DESTDIR)$(rebondconfdir)'/$$(basename $$f); \
	  if test -f "$$d" && ! cmp -s "$$f" "$$d"; then \
	    echo "$$d exists and differs: not replaced"; \
	  else \
	    echo " $(INSTALL_DATA) $$f '$$d'"; \
	    $(INSTALL_DATA) "$$f" "$$d" || exit 1; \
	  fi; \
	done
uninstall-rebond-etc:
	@for f in $(REBOND_ETC); do \
	  d='$(DESTDIR)$(rebondconfdir)'/$$(basename $$f); \
	  if test -f "$$d" && ! cmp -s "$$f" "$$d"; then \
	    echo "$$d was changed: kept"; \
	  else \
	    echo " rm -f '$$d'"; rm -f "$$d"; \
	  fi; \
	done
.PHONY: install-rebond-etc uninstall-rebond-etc
