/* fuzz/fuzz_mail.c - ARF and DSN mails (feeder/mail.c). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feeder/mail.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(f)	(memchr((f), '\0', sizeof(f)) != NULL)

static struct mail_report r;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	int i, rc;

	rc = mail_parse((const char *)data, size, &r, &why);
	if (rc != RB_OK) {
		/* every failure says why and leaves no item */
		if (rc != RB_EINVAL || why == NULL || *why == '\0' ||
		    r.n != 0 || r.kind != MAIL_UNKNOWN)
			abort();
		return 0;
	}
	if (r.n < 1 || r.n > MAIL_MAX_ITEMS ||
	    (r.kind != MAIL_ARF && r.kind != MAIL_DSN) ||
	    !TERMINATED(r.reporting_mta) || !TERMINATED(r.message_id) ||
	    !TERMINATED(r.envelope_id) || !TERMINATED(r.queue_id))
		abort();
	for (i = 0; i < r.n; i++) {
		if (r.kind == MAIL_ARF) {
			const struct mail_arf *a = &r.arf[i];

			if (!TERMINATED(a->feedback_type) ||
			    a->feedback_type[0] == '\0' ||
			    !TERMINATED(a->complainer) ||
			    !TERMINATED(a->mail_from) ||
			    !TERMINATED(a->message_id) ||
			    !TERMINATED(a->source_ip) ||
			    !TERMINATED(a->reported_domain) ||
			    !TERMINATED(a->auth_failure) || a->arrival < 0)
				abort();
			/* an address is either empty or has its '@' */
			if ((a->complainer[0] && !strchr(a->complainer, '@')) ||
			    (a->mail_from[0] && !strchr(a->mail_from, '@')))
				abort();
		} else {
			const struct mail_dsn *d = &r.dsn[i];

			if (!TERMINATED(d->recipient) ||
			    d->recipient[0] == '\0' ||
			    !strchr(d->recipient, '@') ||
			    !TERMINATED(d->original_recipient) ||
			    !TERMINATED(d->action) || !TERMINATED(d->status) ||
			    !TERMINATED(d->diagnostic) ||
			    !TERMINATED(d->remote_mta))
				abort();
		}
	}
	return 0;
}
