# contrib/systemd/: the units (made from their .in with the installation
# directories) and the sysusers.d file, installed by `make install` into
# the directories configure found (--with-systemdsystemunitdir,
# --with-sysusersdir; "no" skips them).
REBOND_UNITS = contrib/systemd/rebond-dnsd.service \
	contrib/systemd/rebond-feeder.service \
	contrib/systemd/rebond-sync.service
EXTRA_DIST += contrib/systemd/rebond-dnsd.service.in \
	contrib/systemd/rebond-feeder.service.in \
	contrib/systemd/rebond-sync.service.in contrib/systemd/rebond.sysusers
noinst_DATA += $(REBOND_UNITS)
CLEANFILES += $(REBOND_UNITS) contrib/systemd/rebond-dnsd.service.tmp \
	contrib/systemd/rebond-feeder.service.tmp \
	contrib/systemd/rebond-sync.service.tmp

if SYSTEMD_UNITS
systemdsystemunit_DATA = $(REBOND_UNITS)
endif

rebond_edit = sed -e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g'

contrib/systemd/rebond-dnsd.service: $(srcdir)/contrib/systemd/rebond-dnsd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/systemd && \
	$(rebond_edit) $(srcdir)/$@.in > $@.tmp && mv $@.tmp $@
contrib/systemd/rebond-feeder.service: $(srcdir)/contrib/systemd/rebond-feeder.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/systemd && \
	$(rebond_edit) $(srcdir)/$@.in > $@.tmp && mv $@.tmp $@
contrib/systemd/rebond-sync.service: $(srcdir)/contrib/systemd/rebond-sync.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/systemd && \
	$(rebond_edit) $(srcdir)/$@.in > $@.tmp && mv $@.tmp $@

# sysusers.d wants NAME.conf.  The one definition of the install hooks,
# for etc/local.mk's files too.
install-data-local: install-rebond-etc install-rebond-sysusers
uninstall-local: uninstall-rebond-etc uninstall-rebond-sysusers
if SYSUSERS
install-rebond-sysusers:
	$(MKDIR_P) '$(DESTDIR)$(sysusersdir)'
	$(INSTALL_DATA) $(srcdir)/contrib/systemd/rebond.sysusers \
	    '$(DESTDIR)$(sysusersdir)/rebond.conf'
uninstall-rebond-sysusers:
	rm -f '$(DESTDIR)$(sysusersdir)/rebond.conf'
else
install-rebond-sysusers:
uninstall-rebond-sysusers:
endif
.PHONY: install-rebond-sysusers uninstall-rebond-sysusers

# distcheck installs under its own prefix.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir='$$(prefix)/lib/systemd/system' \
	--with-sysusersdir='$$(prefix)/lib/sysusers.d'
