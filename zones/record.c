/* zones/record.c - see record.h */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "record.h"
#include "util.h"

#define RECORD_VERSION	1

size_t
record_encode(const struct record *r, uint8_t *buf, size_t bufsz)
{
	uint8_t *p = buf;

	if (bufsz < RECORD_ENC_MAX)
		return 0;
	*p++ = RECORD_VERSION;
	*p++ = r->key.zone;
	*p++ = r->key.len;
	memcpy(p, r->key.data, r->key.len);
	p += r->key.len;
	*p++ = r->reason;
	*p++ = r->flags;
	*p++ = r->scope;
	*p++ = r->status.klass;
	p = be_put(p, r->status.subject, 2);
	p = be_put(p, r->status.detail, 2);
	p = be_put(p, r->seq, 8);
	p = be_put(p, (uint64_t)r->first, 8);
	p = be_put(p, (uint64_t)r->last, 8);
	p = be_put(p, (uint64_t)r->expires, 8);
	p = be_put(p, r->count, 4);
	return (size_t)(p - buf);
}

int
record_decode(const uint8_t *buf, size_t len, struct record *r)
{
	const uint8_t *p = buf, *end = buf + len;
	size_t klen;

	if (len < 3 || p[0] != RECORD_VERSION || p[1] >= ZONE_COUNT)
		return RB_EINVAL;
	r->key.zone = p[1];
	klen = p[2];
	p += 3;
	if (klen == 0 || klen > DOMAIN_MAX ||
	    (zone_is_hashed(r->key.zone) && klen != HASH_LEN) ||
	    (size_t)(end - p) != klen + 3 + 5 + 8 * 4 + 4)
		return RB_EINVAL;
	r->key.len = (uint8_t)klen;
	memcpy(r->key.data, p, klen);
	p += klen;
	r->reason = *p++;
	r->flags = *p++;
	r->scope = *p++;
	if ((r->flags & ~REC_DELETE) || r->scope > SCOPE_FEDERATION ||
	    (!(r->flags & REC_DELETE) && !reason_valid(r->key.zone, r->reason)))
		return RB_EINVAL;
	r->status.klass = *p++;
	r->status.subject = (uint16_t)be_get(p, 2);
	r->status.detail = (uint16_t)be_get(p + 2, 2);
	p += 4;
	r->seq = be_get(p, 8);
	r->first = (int64_t)be_get(p + 8, 8);
	r->last = (int64_t)be_get(p + 16, 8);
	r->expires = (int64_t)be_get(p + 24, 8);
	r->count = (uint32_t)be_get(p + 32, 4);
	if (r->first < 0 || r->last < 0 || r->expires < 0)
		return RB_EINVAL;
	return RB_OK;
}

static const char *const zone_names[ZONE_COUNT] = {
	"rcpt", "rdom", "sdom", "sndr"
};

const char *
zone_name(int zone)
{
	return zone >= 0 && zone < ZONE_COUNT ? zone_names[zone] : "?";
}

int
zone_from_name(const char *name)
{
	int z;

	for (z = 0; z < ZONE_COUNT; z++)
		if (strcasecmp(name, zone_names[z]) == 0)
			return z;
	return RB_EINVAL;
}

int
zone_is_hashed(int zone)
{
	return zone == ZONE_RCPT || zone == ZONE_SNDR;
}

static int
zone_is_sender(int zone)
{
	return zone == ZONE_SDOM || zone == ZONE_SNDR;
}

struct reason_def {
	int		 reason;
	const char	*word;
	const char	*text;
};

static const struct reason_def rcpt_reasons[] = {
	{ 2, "hard", "does not exist (hard bounce)" },
	{ 3, "soft", "repeated soft bounces" },
	{ 4, "recent", "recent soft bounce" },
	{ 5, "complaint", "the recipient complained" },
	{ 10, "operator", "listed by the operator" },
	{ 0, NULL, NULL }
};

static const struct reason_def sndr_reasons[] = {
	{ 2, "hard", "hard-bounce rate over threshold" },
	{ 3, "complaint", "complaint rate over threshold" },
	{ 4, "throttle", "unusual volume: throttle" },
	{ 5, "listed", "many sends to listed recipients" },
	{ 6, "spam", "messages refused as spam or policy" },
	{ 10, "operator", "held by the operator" },
	{ 0, NULL, NULL }
};

static const struct reason_def *
reasons_of(int zone)
{
	return zone_is_sender(zone) ? sndr_reasons : rcpt_reasons;
}

const char *
reason_text(int zone, int reason)
{
	const struct reason_def *d;

	for (d = reasons_of(zone); d->word; d++)
		if (d->reason == reason)
			return d->text;
	return "unknown reason";
}

int
reason_valid(int zone, int reason)
{
	const struct reason_def *d;

	for (d = reasons_of(zone); d->word; d++)
		if (d->reason == reason)
			return 1;
	return 0;
}

int
reason_parse(int zone, const char *s)
{
	const struct reason_def *d;
	int64_t v;

	if (strncmp(s, "127.0.0.", 8) == 0)
		s += 8;
	if (parse_int(s, 0, 255, &v) == RB_OK)
		return reason_valid(zone, (int)v) ? (int)v : RB_EINVAL;
	for (d = reasons_of(zone); d->word; d++)
		if (strcasecmp(s, d->word) == 0)
			return d->reason;
	if (strcasecmp(s, "held") == 0 && zone_is_sender(zone))
		return REASON_OPERATOR;
	return RB_EINVAL;
}

static const char *const scope_names[] = { "local", "peers", "federation" };

const char *
scope_name(int scope)
{
	return scope >= 0 && scope <= SCOPE_FEDERATION ? scope_names[scope] :
	    "?";
}

int
scope_parse(const char *s)
{
	int i;

	for (i = 0; i <= SCOPE_FEDERATION; i++)
		if (strcmp(s, scope_names[i]) == 0)
			return i;
	return RB_EINVAL;
}

int
status_parse(const char *s, struct status *st)
{
	/* RFC 3463: class "." subject "." detail, digits only (strtok and
	 * strtoll would accept "5..1.1", ".5.1.1" or "+5.1.1"). */
	unsigned int v[3];
	int i, nd;

	for (i = 0; i < 3; i++) {
		v[i] = 0;
		for (nd = 0; *s >= '0' && *s <= '9'; s++, nd++)
			if (nd < 3)
				v[i] = v[i] * 10 + (unsigned int)(*s - '0');
		if (nd == 0 || nd > (i == 0 ? 1 : 3))
			return RB_EINVAL;
		if (*s != (i < 2 ? '.' : '\0'))
			return RB_EINVAL;
		s++;
	}
	if (v[0] != 2 && v[0] != 4 && v[0] != 5)
		return RB_EINVAL;
	st->klass = (uint8_t)v[0];
	st->subject = (uint16_t)v[1];
	st->detail = (uint16_t)v[2];
	return RB_OK;
}

void
status_format(const struct status *st, char *buf, size_t len)
{
	if (st->klass == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%u.%u.%u", st->klass, st->subject,
		    st->detail);
}

int
zkey_from_text(int zone, const char *text, struct zkey *k)
{
	char norm[DOMAIN_MAX + 1];
	int n;

	if (zone < 0 || zone >= ZONE_COUNT)
		return RB_EINVAL;
	k->zone = (uint8_t)zone;
	if (zone_is_hashed(zone)) {
		size_t len = strlen(text);

		k->len = HASH_LEN;
		if (len == HASH_HEXLEN && !strchr(text, '@'))
			return hex_decode(text, len, k->data, HASH_LEN);
		return addr_hash_text(text, k->data);
	}
	if ((n = domain_normalise(text, strlen(text), norm, sizeof(norm))) < 0)
		return n;
	domain_reverse(norm, (size_t)n, (char *)k->data);
	k->len = (uint8_t)n;
	return RB_OK;
}

void
zkey_to_text(const struct zkey *k, char *buf, size_t len)
{
	if (zone_is_hashed(k->zone)) {
		if (len >= HASH_HEXLEN + 1)
			hex_encode(k->data, HASH_LEN, buf);
		else if (len > 0)
			buf[0] = '\0';
		return;
	}
	if (len < (size_t)k->len + 1) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	domain_reverse((const char *)k->data, k->len, buf);
}

int64_t
hour_floor(int64_t t)
{
	return t - t % 3600;
}
