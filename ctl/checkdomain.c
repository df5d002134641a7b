/*
 * ctl/checkdomain.c - see checkdomain.h.  The record parsers are in
 * spf.c, dkim.c and dmarc.c, the texts of the findings in cdmsg.c; this
 * file does the DNS (ldns), follows includes and redirects, counts the
 * lookups, evaluates SPF for the relay's addresses and prints.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "addr.h"
#include "cdmsg.h"
#include "checkdomain.h"
#include "ctl.h"
#include "dkim.h"
#include "dmarc.h"
#include "net.h"
#include "spf.h"
#include "util.h"

#define CD_QUERIES_MAX	200	/* DNS queries in one run (cache misses) */
#define CD_DEPTH_MAX	12	/* nested includes and redirects */
#define CD_WALK_MAX	40	/* lookups counted before the count stops */
#define CD_LIST_MAX	16	/* --relay-ip, --selector */
#define CD_TEXT_MAX	512	/* a finding's subject and detail */

/* --- options ----------------------------------------------------------- */

static const char *o_relay[CD_LIST_MAX], *o_sel[CD_LIST_MAX];
static int o_nrelay, o_nsel, o_over;
static const char *o_server, *o_lang, *o_env, *o_dkimdom;
static int o_seen, o_force;

int
checkdomain_option(int ch, const char *arg)
{
	switch (ch - CHECKDOMAIN_OPT) {
	case 0:
		if (o_nrelay < CD_LIST_MAX)
			o_relay[o_nrelay++] = arg;
		else
			o_over = 1;
		return 0;
	case 1: o_server = arg; return 0;
	case 2:
		if (o_nsel < CD_LIST_MAX)
			o_sel[o_nsel++] = arg;
		else
			o_over = 1;
		return 0;
	case 3: o_lang = arg; return 0;
	case 4: o_env = arg; return 0;
	case 5: o_dkimdom = arg; return 0;
	case 6: o_seen = 1; return 0;
	case 7: o_force = 1; return 0;
	}
	return -1;
}

const char *
checkdomain_severity(const char *code)
{
	const struct cd_msg *m = cdmsg_find(code);

	return m ? cdmsg_sev_name(m->sev, LANG_EN) : NULL;
}

/* --- state of one run ---------------------------------------------------- */

enum { DNS_OK, DNS_NXDOMAIN, DNS_NODATA, DNS_FAIL };

struct dns_item {
	char		*s;		/* TXT (concatenated), MX exchange */
	size_t		 len;
	uint8_t		 ip[16];	/* A, AAAA */
};

struct dns_ans {
	char		 name[DOMAIN_MAX + 1];
	ldns_rr_type	 type;
	int		 status;
	int		 n;
	struct dns_item	*v;
};

enum { SPF_E_ONE, SPF_E_NONE, SPF_E_MULTIPLE, SPF_E_FAIL };

struct spf_entry {
	char		 name[DOMAIN_MAX + 1];
	int		 status;
	int		 nrec;		/* v=spf1 records */
	int		 voidlookup;	/* the TXT lookup found nothing */
	const char	*near;		/* near-miss code when none */
	char		*near_text;
	char		*text;		/* the record */
	struct spf_record rec;
};

struct finding {
	const struct cd_msg *m;
	char		 subject[CD_TEXT_MAX];
	char		 arg[CD_TEXT_MAX];
};

struct setup;

struct cd {
	ldns_resolver	 *res;
	int		  lang;
	const char	 *domain;
	struct dns_ans	**ans;
	int		  nans;
	struct spf_entry **spf;
	int		  nspf;
	struct finding	 *f;
	int		  nf;
	int		  queries;
	int		  neterr;	/* queries that got no answer at all */
	char		  neterr_text[128];
	/* Pace of the queries: a token bucket of qps a second, bursts of
	 * qps (0: no pacing). */
	int		  qps;
	double		  tokens;
	struct timespec	  refill;
	const struct setup *su;
};

#define L(en, fr)	(cd->lang == LANG_FR ? (fr) : (en))

/* Printable ASCII only, for text from DNS (records): it ends up on
 * terminals and in JSON. */
static char *
clean(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return s;
}

/* No control characters (our own texts are UTF-8). */
static void
no_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void __attribute__((format(printf, 4, 5)))
add(struct cd *cd, const char *code, const char *subject, const char *fmt,
    ...)
{
	struct finding f;
	va_list ap;
	int i;

	if ((f.m = cdmsg_find(code)) == NULL) {
		fprintf(stderr, "rebondctl: check-domain: no text for finding "
		    "'%s'\n", code);
		abort();
	}
	snprintf(f.subject, sizeof(f.subject), "%s", subject);
	va_start(ap, fmt);
	vsnprintf(f.arg, sizeof(f.arg), fmt, ap);
	va_end(ap);
	no_controls(f.subject);
	no_controls(f.arg);
	for (i = 0; i < cd->nf; i++)
		if (cd->f[i].m == f.m && strcmp(cd->f[i].subject,
		    f.subject) == 0 && strcmp(cd->f[i].arg, f.arg) == 0)
			return;
	if ((cd->nf & 31) == 0)
		cd->f = xrealloc(cd->f, sizeof(*cd->f) * (size_t)(cd->nf + 32));
	cd->f[cd->nf++] = f;
}

/* --- DNS ------------------------------------------------------------------ */

static const char *
type_name(ldns_rr_type t)
{
	switch (t) {
	case LDNS_RR_TYPE_A: return "A";
	case LDNS_RR_TYPE_AAAA: return "AAAA";
	case LDNS_RR_TYPE_MX: return "MX";
	case LDNS_RR_TYPE_TXT: return "TXT";
	default: return "?";
	}
}

static void
item_add(struct dns_ans *a, const char *s, size_t len, const uint8_t *ip,
    size_t iplen)
{
	struct dns_item *it;

	if ((a->n & 7) == 0)
		a->v = xrealloc(a->v, sizeof(*a->v) * (size_t)(a->n + 8));
	it = &a->v[a->n++];
	memset(it, 0, sizeof(*it));
	it->s = xmalloc(len + 1);
	if (len)
		memcpy(it->s, s, len);
	it->s[len] = '\0';
	it->len = len;
	if (ip != NULL)
		memcpy(it->ip, ip, iplen);
}

/* The records of type in the answer of pkt, into a. */
static void
take_answer(struct dns_ans *a, ldns_pkt *pkt)
{
	ldns_rr_list *l = ldns_pkt_rr_list_by_type(pkt, a->type,
	    LDNS_SECTION_ANSWER);
	size_t i, j;

	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		ldns_rdf *rdf;
		char txt[65536], *mx;
		size_t tl = 0, n;

		switch (a->type) {
		case LDNS_RR_TYPE_TXT:
			/* One TXT record is its character-strings joined. */
			for (j = 0; j < ldns_rr_rd_count(rr); j++) {
				const uint8_t *d;

				rdf = ldns_rr_rdf(rr, j);
				d = ldns_rdf_data(rdf);
				if (ldns_rdf_size(rdf) < 1)
					continue;
				n = d[0];
				if (n + 1 > ldns_rdf_size(rdf) ||
				    tl + n > sizeof(txt))
					break;
				memcpy(txt + tl, d + 1, n);
				tl += n;
			}
			item_add(a, txt, tl, NULL, 0);
			break;
		case LDNS_RR_TYPE_A:
		case LDNS_RR_TYPE_AAAA:
			n = a->type == LDNS_RR_TYPE_A ? 4 : 16;
			if ((rdf = ldns_rr_rdf(rr, 0)) != NULL &&
			    ldns_rdf_size(rdf) == n)
				item_add(a, "", 0, ldns_rdf_data(rdf), n);
			break;
		case LDNS_RR_TYPE_MX:
			if ((rdf = ldns_rr_rdf(rr, 1)) == NULL ||
			    (mx = ldns_rdf2str(rdf)) == NULL)
				break;
			n = strlen(mx);
			if (n > 0 && mx[n - 1] == '.')
				mx[--n] = '\0';
			for (j = 0; j < n; j++)
				if (mx[j] >= 'A' && mx[j] <= 'Z')
					mx[j] = (char)(mx[j] - 'A' + 'a');
			item_add(a, mx, n, NULL, 0);
			free(mx);
			break;
		default:
			break;
		}
	}
	ldns_rr_list_deep_free(l);
}

/* Wait for a token: at most qps queries a second after a burst of qps,
 * so that checking many domains never floods the resolver. */
static void
pace(struct cd *cd)
{
	struct timespec now, ts;
	double dt;

	if (cd->qps <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (cd->refill.tv_sec == 0 && cd->refill.tv_nsec == 0)
		cd->tokens = cd->qps;
	else {
		dt = (double)(now.tv_sec - cd->refill.tv_sec) +
		    (double)(now.tv_nsec - cd->refill.tv_nsec) / 1e9;
		cd->tokens += dt * cd->qps;
		if (cd->tokens > cd->qps)
			cd->tokens = cd->qps;
	}
	cd->refill = now;
	if (cd->tokens < 1) {
		dt = (1 - cd->tokens) / cd->qps;
		ts.tv_sec = (time_t)dt;
		ts.tv_nsec = (long)((dt - (double)ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		clock_gettime(CLOCK_MONOTONIC, &cd->refill);
		cd->tokens = 1;
	}
	cd->tokens -= 1;
}

static void
query(struct cd *cd, struct dns_ans *a)
{
	ldns_rdf *dname;
	ldns_pkt *pkt = NULL;
	ldns_status st;
	const char *why = NULL;
	char rc[32];

	if (cd->queries >= CD_QUERIES_MAX) {
		a->status = DNS_FAIL;
		if (cd->queries++ == CD_QUERIES_MAX)
			add(cd, "dns-limit", cd->domain, "%d", CD_QUERIES_MAX);
		return;
	}
	cd->queries++;
	pace(cd);
	if ((dname = ldns_dname_new_frm_str(a->name)) == NULL) {
		a->status = DNS_NXDOMAIN;
		return;
	}
	st = ldns_resolver_send(&pkt, cd->res, dname, a->type,
	    LDNS_RR_CLASS_IN, LDNS_RD);
	ldns_rdf_deep_free(dname);
	if (st != LDNS_STATUS_OK || pkt == NULL) {
		a->status = DNS_FAIL;
		why = ldns_get_errorstr_by_id(st);
		if (why == NULL)
			why = "no answer";
		if (cd->neterr++ == 0)
			snprintf(cd->neterr_text, sizeof(cd->neterr_text),
			    "%s", why);
	} else {
		switch (ldns_pkt_get_rcode(pkt)) {
		case LDNS_RCODE_NOERROR:
			take_answer(a, pkt);
			a->status = a->n ? DNS_OK : DNS_NODATA;
			break;
		case LDNS_RCODE_NXDOMAIN:
			a->status = DNS_NXDOMAIN;
			break;
		case LDNS_RCODE_SERVFAIL:
			a->status = DNS_FAIL;
			why = "SERVFAIL";
			break;
		case LDNS_RCODE_REFUSED:
			a->status = DNS_FAIL;
			why = "REFUSED";
			break;
		default:
			a->status = DNS_FAIL;
			snprintf(rc, sizeof(rc), "rcode %d",
			    (int)ldns_pkt_get_rcode(pkt));
			why = rc;
			break;
		}
	}
	ldns_pkt_free(pkt);
	if (a->status == DNS_FAIL)
		add(cd, "dns-error", a->name, "%s %s", type_name(a->type), why);
}

/* The answer for name/type, from the cache or DNS.  Never NULL; valid
 * until the end of the run. */
static const struct dns_ans *
dns(struct cd *cd, const char *name, ldns_rr_type type)
{
	static const struct dns_ans bad = { "", 0, DNS_NXDOMAIN, 0, NULL };
	char norm[DOMAIN_MAX + 1];
	struct dns_ans *a;
	int i;

	/* A name DNS cannot hold finds nothing, as it would in a
	 * receiver. */
	if (domain_normalise(name, strlen(name), norm, sizeof(norm)) < 0)
		return &bad;
	for (i = 0; i < cd->nans; i++)
		if (cd->ans[i]->type == type && strcmp(cd->ans[i]->name,
		    norm) == 0)
			return cd->ans[i];
	a = xcalloc(1, sizeof(*a));
	memcpy(a->name, norm, strlen(norm) + 1);
	a->type = type;
	query(cd, a);
	if ((cd->nans & 31) == 0)
		cd->ans = xrealloc(cd->ans, sizeof(*cd->ans) *
		    (size_t)(cd->nans + 32));
	cd->ans[cd->nans++] = a;
	return a;
}

static int
is_void(const struct dns_ans *a)
{
	return a->status == DNS_NXDOMAIN || a->status == DNS_NODATA;
}

/* The SPF record of domain, parsed once per run. */
static struct spf_entry *
spf_get(struct cd *cd, const char *domain)
{
	const struct dns_ans *a;
	struct spf_entry *e;
	int i, one = -1;

	for (i = 0; i < cd->nspf; i++)
		if (strcmp(cd->spf[i]->name, domain) == 0)
			return cd->spf[i];
	e = xcalloc(1, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", domain);
	a = dns(cd, domain, LDNS_RR_TYPE_TXT);
	if (a->status == DNS_FAIL)
		e->status = SPF_E_FAIL;
	else if (is_void(a)) {
		e->status = SPF_E_NONE;
		e->voidlookup = 1;
	} else {
		for (i = 0; i < a->n; i++)
			if (spf_is_record(a->v[i].s, a->v[i].len)) {
				e->nrec++;
				one = i;
			} else if (e->near == NULL && (e->near =
			    spf_near_miss(a->v[i].s, a->v[i].len)) != NULL)
				e->near_text = clean(xstrdup(a->v[i].s));
		e->status = e->nrec == 0 ? SPF_E_NONE : e->nrec > 1 ?
		    SPF_E_MULTIPLE : SPF_E_ONE;
	}
	if (e->status == SPF_E_ONE) {
		e->text = clean(xstrdup(a->v[one].s));
		spf_parse(a->v[one].s, a->v[one].len, &e->rec);
	}
	if ((cd->nspf & 31) == 0)
		cd->spf = xrealloc(cd->spf, sizeof(*cd->spf) *
		    (size_t)(cd->nspf + 32));
	cd->spf[cd->nspf++] = e;
	return e;
}

static int
on_stack(const char *const *stack, int depth, const char *name)
{
	int i;

	for (i = 0; i < depth; i++)
		if (strcmp(stack[i], name) == 0)
			return 1;
	return 0;
}

/* --- SPF: the lookups of the whole tree ------------------------------------ */

/*
 * Receivers count, over one evaluation, the terms that query DNS and
 * those that find nothing.  A message from a server the record does not
 * name walks the whole tree: count it all, as a forger's mail would.
 */
struct walk {
	int		 lookups, voids;
	const char	*stack[CD_DEPTH_MAX];
	int		 depth;
};

static void walk(struct cd *, struct spf_entry *, struct walk *);

static void
walk_void(struct cd *cd, const struct spf_entry *e, const struct spf_term *t,
    struct walk *w)
{
	w->voids++;
	add(cd, "spf-void-name", e->name, "%s", t->text);
}

static void
walk_target(struct cd *cd, const struct spf_entry *e,
    const struct spf_term *t, struct walk *w)
{
	struct spf_entry *x = spf_get(cd, t->domain);

	if (x->voidlookup)
		w->voids++;
	switch (x->status) {
	case SPF_E_FAIL:
		return;		/* dns-error says it */
	case SPF_E_NONE:
		add(cd, t->type == SPF_INCLUDE ? "spf-include-missing" :
		    "spf-redirect-missing", e->name, "%s", t->text);
		return;
	case SPF_E_MULTIPLE:
		add(cd, "spf-include-invalid", x->name, "spf-multiple");
		return;
	}
	if (x->rec.is.fatal) {
		add(cd, "spf-include-invalid", x->name, "%s: %s",
		    x->rec.is.v[0].code, x->rec.is.v[0].arg);
		return;
	}
	if (on_stack(w->stack, w->depth, x->name)) {
		add(cd, "spf-include-loop", e->name, "%s", t->text);
		return;
	}
	if (w->depth < CD_DEPTH_MAX)
		walk(cd, x, w);
}

static void
walk(struct cd *cd, struct spf_entry *e, struct walk *w)
{
	const struct spf_record *r = &e->rec;
	const struct dns_ans *a;
	int i;

	w->stack[w->depth++] = e->name;
	for (i = 0; i < r->n && w->lookups <= CD_WALK_MAX; i++) {
		const struct spf_term *t = &r->t[i];
		const char *name = t->domain ? t->domain : e->name;

		switch (t->type) {
		case SPF_REDIRECT:
			if (r->all >= 0)
				continue;	/* ignored (6.1) */
			/* FALLTHROUGH */
		case SPF_INCLUDE:
		case SPF_A:
		case SPF_MX:
		case SPF_PTR:
		case SPF_EXISTS:
			w->lookups++;
			break;
		default:
			continue;
		}
		if (t->macro) {
			add(cd, "spf-macro", e->name, "%s", t->text);
			continue;
		}
		switch (t->type) {
		case SPF_INCLUDE:
		case SPF_REDIRECT:
			walk_target(cd, e, t, w);
			break;
		case SPF_A:
			if (is_void(dns(cd, name, LDNS_RR_TYPE_A)) &&
			    is_void(dns(cd, name, LDNS_RR_TYPE_AAAA)))
				walk_void(cd, e, t, w);
			break;
		case SPF_MX:
			a = dns(cd, name, LDNS_RR_TYPE_MX);
			if (is_void(a))
				walk_void(cd, e, t, w);
			else if (a->status == DNS_OK && a->n > 10)
				add(cd, "spf-mx-limit", name, "%d", a->n);
			break;
		case SPF_EXISTS:
			if (is_void(dns(cd, name, LDNS_RR_TYPE_A)))
				walk_void(cd, e, t, w);
			break;
		}
	}
	w->depth--;
}

/* --- SPF: evaluation for one address (RFC 7208 4.6, 5) -------------------- */

enum {
	R_NONE, R_NEUTRAL, R_PASS, R_FAIL, R_SOFTFAIL, R_TEMPERROR,
	R_PERMERROR, R_UNKNOWN,
	M_NO, M_YES		/* a mechanism's match, not a result */
};

static const char *const result_names[2][8] = {
	{ "none", "neutral", "pass", "fail", "softfail", "temperror",
	  "permerror", "not evaluated" },
	{ "none", "neutral", "pass", "fail", "softfail", "temperror",
	  "permerror", "non évalué" },
};

struct eval {
	int		 af;		/* 4 or 6 */
	uint8_t		 ip[16];
	int		 lookups, voids;
	const char	*stack[CD_DEPTH_MAX];
	int		 depth;
	char		 why[CD_TEXT_MAX];	/* what decided */
};

/* Say why, unless something deeper already did; returns r. */
static int __attribute__((format(printf, 3, 4)))
why(struct eval *ev, int r, const char *fmt, ...)
{
	va_list ap;

	if (ev->why[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(ev->why, sizeof(ev->why), fmt, ap);
		va_end(ap);
	}
	return r;
}

static int eval_domain(struct cd *, const char *, struct eval *);

static int
addr_match(struct cd *cd, struct eval *ev, const char *name, int c4, int c6)
{
	const struct dns_ans *a = dns(cd, name, ev->af == 4 ?
	    LDNS_RR_TYPE_A : LDNS_RR_TYPE_AAAA);
	int i;

	if (a->status == DNS_FAIL)
		return why(ev, R_TEMPERROR, L("DNS lookup of %s failed",
		    "échec de la requête DNS sur %s"), name);
	for (i = 0; a->status == DNS_OK && i < a->n; i++)
		if (spf_prefix_match(a->v[i].ip, ev->ip, ev->af == 4 ? 4 : 16,
		    ev->af == 4 ? c4 : c6))
			return M_YES;
	return M_NO;
}

static int
void_lookup(struct cd *cd, struct eval *ev)
{
	if (++ev->voids > SPF_VOID_LIMIT)
		return why(ev, R_PERMERROR, L("more than %d lookups found "
		    "nothing", "plus de %d recherches sans résultat"),
		    SPF_VOID_LIMIT);
	return M_NO;
}

static int
mechanism(struct cd *cd, const struct spf_entry *e, const struct spf_term *t,
    struct eval *ev)
{
	const char *name = t->domain ? t->domain : e->name;
	const struct dns_ans *a;
	int i, r;

	switch (t->type) {
	case SPF_ALL:
		return M_YES;
	case SPF_IP4:
		return ev->af == 4 && spf_prefix_match(t->addr, ev->ip, 4,
		    t->cidr4) ? M_YES : M_NO;
	case SPF_IP6:
		return ev->af == 6 && spf_prefix_match(t->addr, ev->ip, 16,
		    t->cidr6) ? M_YES : M_NO;
	}
	if (++ev->lookups > SPF_LOOKUP_LIMIT)
		return why(ev, R_PERMERROR, L("more than %d DNS lookups",
		    "plus de %d requêtes DNS"), SPF_LOOKUP_LIMIT);
	if (t->macro)
		return why(ev, R_UNKNOWN, L("'%s' in %s uses macros",
		    "« %s » dans %s utilise des macros"), t->text, e->name);
	switch (t->type) {
	case SPF_A:
		a = dns(cd, name, ev->af == 4 ? LDNS_RR_TYPE_A :
		    LDNS_RR_TYPE_AAAA);
		if (is_void(a))
			return void_lookup(cd, ev);
		return addr_match(cd, ev, name, t->cidr4, t->cidr6);
	case SPF_MX:
		a = dns(cd, name, LDNS_RR_TYPE_MX);
		if (a->status == DNS_FAIL)
			return why(ev, R_TEMPERROR, L("DNS lookup of %s failed",
			    "échec de la requête DNS sur %s"), name);
		if (is_void(a))
			return void_lookup(cd, ev);
		if (a->n > 10)
			return why(ev, R_PERMERROR, L("more than 10 MX records "
			    "at %s", "plus de 10 MX sur %s"), name);
		for (i = 0; i < a->n; i++) {
			if (a->v[i].len == 0)
				continue;	/* null MX */
			if ((r = addr_match(cd, ev, a->v[i].s, t->cidr4,
			    t->cidr6)) != M_NO)
				return r;
		}
		return M_NO;
	case SPF_PTR:
		return why(ev, R_UNKNOWN, L("'%s' in %s: ptr is not evaluated",
		    "« %s » dans %s : ptr n'est pas évalué"), t->text, e->name);
	case SPF_EXISTS:
		a = dns(cd, name, LDNS_RR_TYPE_A);
		if (a->status == DNS_FAIL)
			return why(ev, R_TEMPERROR, L("DNS lookup of %s failed",
			    "échec de la requête DNS sur %s"), name);
		return is_void(a) ? void_lookup(cd, ev) : M_YES;
	case SPF_INCLUDE:
		switch ((r = eval_domain(cd, t->domain, ev))) {
		case R_PASS:
			return M_YES;
		case R_FAIL:
		case R_SOFTFAIL:
		case R_NEUTRAL:
			ev->why[0] = '\0';	/* not what decides */
			return M_NO;
		case R_NONE:
			return why(ev, R_PERMERROR, L("%s has no SPF record",
			    "%s n'a pas d'enregistrement SPF"), t->domain);
		default:
			return r;
		}
	}
	return M_NO;
}

static int
qual_result(int q)
{
	switch (q) {
	case SPF_Q_FAIL: return R_FAIL;
	case SPF_Q_SOFTFAIL: return R_SOFTFAIL;
	case SPF_Q_NEUTRAL: return R_NEUTRAL;
	default: return R_PASS;
	}
}

static int
eval_domain(struct cd *cd, const char *domain, struct eval *ev)
{
	const struct spf_entry *e;
	const struct spf_term *t;
	int i, r;

	if (on_stack(ev->stack, ev->depth, domain))
		return why(ev, R_PERMERROR, L("include loop at %s",
		    "boucle d'include sur %s"), domain);
	if (ev->depth >= CD_DEPTH_MAX)
		return why(ev, R_PERMERROR, "%s", L("includes nested too deep",
		    "include trop imbriqués"));
	e = spf_get(cd, domain);
	switch (e->status) {
	case SPF_E_FAIL:
		return why(ev, R_TEMPERROR, L("DNS lookup of %s failed",
		    "échec de la requête DNS sur %s"), domain);
	case SPF_E_NONE:
		return R_NONE;
	case SPF_E_MULTIPLE:
		return why(ev, R_PERMERROR, L("%d SPF records at %s",
		    "%d enregistrements SPF sur %s"), e->nrec, domain);
	}
	if (e->rec.is.fatal)
		return why(ev, R_PERMERROR, L("error in the SPF record of %s",
		    "erreur dans l'enregistrement SPF de %s"), domain);
	ev->stack[ev->depth++] = e->name;
	for (i = 0; i < e->rec.n; i++) {
		t = &e->rec.t[i];
		if (t->type > SPF_EXISTS)
			continue;	/* modifiers */
		r = mechanism(cd, e, t, ev);
		if (r == M_YES) {
			r = qual_result(t->qual);
			why(ev, r, L("%s in %s", "%s dans %s"), t->text,
			    e->name);
			goto out;
		}
		if (r != M_NO)
			goto out;
	}
	if (e->rec.redirect >= 0) {
		t = &e->rec.t[e->rec.redirect];
		if (++ev->lookups > SPF_LOOKUP_LIMIT)
			r = why(ev, R_PERMERROR, L("more than %d DNS lookups",
			    "plus de %d requêtes DNS"), SPF_LOOKUP_LIMIT);
		else if (t->macro)
			r = why(ev, R_UNKNOWN, L("'%s' in %s uses macros",
			    "« %s » dans %s utilise des macros"), t->text,
			    e->name);
		else if ((r = eval_domain(cd, t->domain, ev)) == R_NONE)
			r = why(ev, R_PERMERROR, L("%s has no SPF record",
			    "%s n'a pas d'enregistrement SPF"), t->domain);
		goto out;
	}
	r = why(ev, R_NEUTRAL, L("no mechanism of %s matched and it has no "
	    "'all'", "aucun mécanisme de %s ne correspond et il n'a pas de "
	    "« all »"), e->name);
out:
	ev->depth--;
	return r;
}

/* --- SPF: the checks ---------------------------------------------------- */

/* The 'all' that ends the evaluation of e, following redirects; NULL
 * with *none set when a record ends with neither all nor redirect. */
static const struct spf_term *
effective_all(struct cd *cd, const struct spf_entry *e, const char **where,
    int *none)
{
	int depth;

	*none = 0;
	*where = e->name;
	for (depth = 0; depth < CD_DEPTH_MAX; depth++) {
		const struct spf_term *rd;

		if (e->rec.all >= 0)
			return &e->rec.t[e->rec.all];
		if (e->rec.redirect < 0) {
			*none = 1;
			return NULL;
		}
		rd = &e->rec.t[e->rec.redirect];
		if (rd->macro)
			return NULL;
		e = spf_get(cd, rd->domain);
		if (e->status != SPF_E_ONE || e->rec.is.fatal)
			return NULL;
		*where = e->name;
	}
	return NULL;
}

static void
spf_advice(struct cd *cd, struct spf_entry *e)
{
	const struct spf_record *r = &e->rec;
	const struct spf_term *all;
	const char *where;
	int i, none;

	for (i = 0; i < r->n; i++) {
		if (r->t[i].type == SPF_PTR)
			add(cd, "spf-ptr", e->name, "%s", r->t[i].text);
		if (r->all >= 0 && i > r->all && r->t[i].type <= SPF_EXISTS)
			add(cd, "spf-after-all", e->name, "%s", r->t[i].text);
	}
	if (r->all >= 0 && r->redirect >= 0)
		add(cd, "spf-redirect-ignored", e->name, "%s",
		    r->t[r->redirect].text);
	if ((all = effective_all(cd, e, &where, &none)) == NULL) {
		if (none)
			add(cd, "spf-no-all", where, "%s", "");
		return;
	}
	switch (all->qual) {
	case SPF_Q_PASS:
		add(cd, "spf-all-pass", where, "%s", all->text);
		break;
	case SPF_Q_NEUTRAL:
		add(cd, "spf-all-neutral", where, "%s", all->text);
		break;
	case SPF_Q_SOFTFAIL:
		add(cd, "spf-all-softfail", where, "%s", all->text);
		break;
	case SPF_Q_FAIL:
		add(cd, "spf-all-fail", where, "%s", all->text);
		break;
	}
}

static void
spf_relay(struct cd *cd, const char *text, int af, const uint8_t *ip)
{
	struct eval ev;
	int r;

	memset(&ev, 0, sizeof(ev));
	ev.af = af;
	memcpy(ev.ip, ip, af == 4 ? 4 : 16);
	r = eval_domain(cd, cd->domain, &ev);
	switch (r) {
	case R_PASS:
		add(cd, "spf-relay-pass", text, "%s", ev.why);
		break;
	case R_PERMERROR:
		add(cd, "spf-relay-permerror", text, "%s", ev.why);
		break;
	case R_TEMPERROR:
		add(cd, "spf-relay-temperror", text, "%s", ev.why);
		break;
	case R_UNKNOWN:
		add(cd, "spf-relay-unknown", text, "%s", ev.why);
		break;
	default:
		add(cd, "spf-relay-not-authorised", text, "%s (%s)",
		    result_names[cd->lang][r], ev.why);
		break;
	}
}

struct relay {
	const char	*text;
	int		 af;
	uint8_t		 ip[16];
};

/* Returns -1 when the first query got no answer at all. */
static int
check_spf(struct cd *cd, const struct relay *relays, int nrelay)
{
	struct spf_entry *e = spf_get(cd, cd->domain);
	struct walk w;
	int i;

	if (cd->neterr)
		return -1;
	switch (e->status) {
	case SPF_E_FAIL:
		return 0;
	case SPF_E_NONE:
		if (e->near)
			add(cd, e->near, cd->domain, "%s", e->near_text);
		else
			add(cd, "spf-none", cd->domain, "%s", "");
		return 0;
	case SPF_E_MULTIPLE:
		add(cd, "spf-multiple", cd->domain, "%d", e->nrec);
		return 0;
	}
	add(cd, "spf-found", cd->domain, "%s", e->text);
	for (i = 0; i < e->rec.is.n && i < ISSUES_MAX; i++)
		add(cd, e->rec.is.v[i].code, cd->domain, "%s",
		    e->rec.is.v[i].arg);
	if (e->rec.is.fatal)
		return 0;
	spf_advice(cd, e);
	memset(&w, 0, sizeof(w));
	walk(cd, e, &w);
	if (w.lookups > CD_WALK_MAX)
		add(cd, "spf-lookup-limit", cd->domain, L("more than %d",
		    "plus de %d"), CD_WALK_MAX);
	else if (w.lookups > SPF_LOOKUP_LIMIT)
		add(cd, "spf-lookup-limit", cd->domain, "%d", w.lookups);
	else
		add(cd, "spf-lookups", cd->domain, "%d", w.lookups);
	if (w.voids > SPF_VOID_LIMIT)
		add(cd, "spf-void-lookups", cd->domain, "%d", w.voids);
	if (nrelay == 0)
		add(cd, "spf-no-relay-ip", cd->domain, "%s", "");
	for (i = 0; i < nrelay; i++)
		spf_relay(cd, relays[i].text, relays[i].af, relays[i].ip);
	return 0;
}

/* --- DKIM --------------------------------------------------------------- */

static void
check_dkim(struct cd *cd, const char *dom, char **names, int n)
{
	const struct dns_ans *a;
	struct dkim_key k;
	int i, j;

	if (n == 0)
		add(cd, "dkim-no-selector", dom, "%s", "");
	for (i = 0; i < n; i++) {
		a = dns(cd, names[i], LDNS_RR_TYPE_TXT);
		if (a->status == DNS_FAIL)
			continue;
		if (is_void(a)) {
			add(cd, "dkim-none", names[i], "%s", "");
			continue;
		}
		if (a->n > 1) {
			add(cd, "dkim-multiple", names[i], "%d", a->n);
			continue;
		}
		dkim_key_parse(a->v[0].s, a->v[0].len, &k);
		for (j = 0; j < k.is.n && j < ISSUES_MAX; j++)
			add(cd, k.is.v[j].code, names[i], "%s", k.is.v[j].arg);
		if (k.is.fatal)
			continue;
		if (k.type == DKIM_K_ED25519)
			add(cd, "dkim-ok", names[i], "%s", "Ed25519");
		else
			add(cd, "dkim-ok", names[i], L("RSA, %d bits",
			    "RSA, %d bits"), k.bits);
	}
}

/* --- DMARC -------------------------------------------------------------- */

/* The organisational domain, approximately: the last two labels. */
static const char *
org_domain(const char *d)
{
	const char *p = d + strlen(d);
	int dots = 0;

	while (p > d)
		if (*--p == '.' && ++dots == 2)
			return p + 1;
	return d;
}

/* The DMARC records at _dmarc.dom: -1 (DNS failure) or their number;
 * the first is parsed into d and its text kept in text. */
static int
dmarc_fetch(struct cd *cd, const char *dom, struct dmarc_record *d,
    char *text, size_t textlen, char *near, size_t nearlen)
{
	const struct dns_ans *a;
	char name[DOMAIN_MAX + 16];
	int i, n = 0;

	near[0] = '\0';
	snprintf(name, sizeof(name), "_dmarc.%s", dom);
	a = dns(cd, name, LDNS_RR_TYPE_TXT);
	if (a->status == DNS_FAIL)
		return -1;
	for (i = 0; i < a->n; i++)
		if (dmarc_is_record(a->v[i].s, a->v[i].len)) {
			if (n++ == 0) {
				dmarc_parse(a->v[i].s, a->v[i].len, d);
				snprintf(text, textlen, "%s", a->v[i].s);
				clean(text);
			}
		} else if (near[0] == '\0' && dmarc_near_miss(a->v[i].s,
		    a->v[i].len)) {
			snprintf(near, nearlen, "%s", a->v[i].s);
			clean(near);
		}
	return n;
}

/* Returns the record that applies to the domain (in d), or 0. */
static int
check_dmarc(struct cd *cd, struct dmarc_record *d)
{
	const char *dom = cd->domain, *at = dom, *parent;
	char text[1024], near[1024], name[DOMAIN_MAX + 16];
	int n, i, inherited = 0, eff;

	if ((n = dmarc_fetch(cd, dom, d, text, sizeof(text), near,
	    sizeof(near))) < 0)
		return 0;
	if (n == 0 && near[0] != '\0') {
		snprintf(name, sizeof(name), "_dmarc.%s", dom);
		add(cd, "dmarc-version", name, "%s", near);
		return 0;
	}
	if (n == 0 && (parent = strchr(dom, '.')) != NULL &&
	    strchr(++parent, '.') != NULL) {
		if ((n = dmarc_fetch(cd, parent, d, text, sizeof(text),
		    near, sizeof(near))) < 0)
			return 0;
		if (n > 0) {
			inherited = 1;
			at = parent;
			add(cd, "dmarc-inherited", dom, "%s", parent);
		}
	}
	snprintf(name, sizeof(name), "_dmarc.%s", at);
	if (n == 0) {
		add(cd, "dmarc-none", dom, "%s", "");
		return 0;
	}
	if (n > 1) {
		add(cd, "dmarc-multiple", name, "%d", n);
		return 0;
	}
	add(cd, "dmarc-found", name, "%s", text);
	for (i = 0; i < d->is.n && i < ISSUES_MAX; i++)
		add(cd, d->is.v[i].code, name, "%s", d->is.v[i].arg);
	if (d->is.fatal)
		return 0;
	if (d->p >= 0) {
		eff = inherited && d->sp >= 0 ? d->sp : d->p;
		if (eff == DMARC_P_NONE)
			add(cd, "dmarc-policy-none", dom, "%s", "");
		else
			add(cd, "dmarc-policy", dom, "%s=%s", inherited &&
			    d->sp >= 0 ? "sp" : "p", dmarc_policy_name(eff));
		if (!inherited) {
			if (d->sp == DMARC_P_NONE && d->p != DMARC_P_NONE)
				add(cd, "dmarc-sp-none", dom, "%s", "");
			add(cd, "dmarc-subdomains", dom, "%s=%s",
			    d->sp >= 0 ? "sp" : "p",
			    dmarc_policy_name(d->sp >= 0 ? d->sp : d->p));
		}
		if (d->pct < 100 && eff != DMARC_P_NONE)
			add(cd, "dmarc-pct", dom, "%d", d->pct);
	}
	if (d->nrua == 0)
		add(cd, "dmarc-no-rua", name, "%s", "");
	/* A report address in another domain must be authorised there
	 * (RFC 7489 7.1). */
	for (i = 0; i < d->nrua_domain; i++) {
		const char *rd = d->rua_domain[i];
		const struct dns_ans *a;
		char auth[2 * DOMAIN_MAX + 32];
		int j, okay = 0;

		if (strcmp(org_domain(rd), org_domain(at)) == 0)
			continue;
		snprintf(auth, sizeof(auth), "%s._report._dmarc.%s", at, rd);
		a = dns(cd, auth, LDNS_RR_TYPE_TXT);
		if (a->status == DNS_FAIL)
			continue;
		for (j = 0; j < a->n; j++)
			if (dmarc_is_record(a->v[j].s, a->v[j].len))
				okay = 1;
		if (!okay)
			add(cd, "dmarc-rua-unauthorised", at, "%s", rd);
	}
	return 1;
}

/* --- alignment with From: (RFC 7489 3.1) -------------------------------- */

static int
align_one(struct cd *cd, const char *other, char mode, const char *kind)
{
	const char *dom = cd->domain;
	int strict = strcmp(other, dom) == 0;
	int relaxed = strcmp(org_domain(other), org_domain(dom)) == 0;
	char code[32];

	if (strict || (relaxed && mode == 'r')) {
		snprintf(code, sizeof(code), "align-%s", kind);
		add(cd, code, dom, "%s", strict ? "strict" : "relaxed");
		return 1;
	}
	snprintf(code, sizeof(code), "align-%s-%s", kind, relaxed ? "strict" :
	    "no");
	add(cd, code, dom, "%s", other);
	return 0;
}

static void
check_align(struct cd *cd, const char *env, const char *dkimdom,
    const struct dmarc_record *d)
{
	int spf_ok = -1, dkim_ok = -1;

	if (env != NULL) {
		spf_ok = align_one(cd, env, d ? d->aspf : 'r', "spf");
		if (strcmp(env, cd->domain) != 0)
			add(cd, "align-spf-domain", cd->domain, "%s", env);
	}
	if (dkimdom != NULL)
		dkim_ok = align_one(cd, dkimdom, d ? d->adkim : 'r', "dkim");
	if (spf_ok == 0 && dkim_ok == 0 && d != NULL && d->p >= 0)
		add(cd, "align-none", cd->domain, "p=%s",
		    dmarc_policy_name(d->p));
}

/* --- output ------------------------------------------------------------- */

/* The text of a finding in buf: $s and $a replaced. */
static void
expand(char *buf, size_t len, const char *tmpl, const struct finding *f)
{
	size_t o = 0;
	const char *p, *s;

	for (p = tmpl; *p && o + 1 < len; p++) {
		s = NULL;
		if (p[0] == '$' && p[1] == 's')
			s = f->subject;
		else if (p[0] == '$' && p[1] == 'a')
			s = f->arg;
		if (s == NULL) {
			buf[o++] = *p;
			continue;
		}
		p++;
		while (*s && o + 1 < len)
			buf[o++] = *s++;
	}
	buf[o] = '\0';
}

static int
print(struct cd *cd, int json, FILE *out)
{
	char text[2048], fix[2048];
	int i, errors = 0, warnings = 0;

	for (i = 0; i < cd->nf; i++) {
		errors += cd->f[i].m->sev == SEV_ERROR;
		warnings += cd->f[i].m->sev == SEV_WARNING;
	}
	if (json) {
		fprintf(out, "{\"domain\": ");
		json_str(cd->domain);
		fprintf(out, ", \"errors\": %d, \"warnings\": %d, "
		    "\"findings\": [", errors, warnings);
	}
	for (i = 0; i < cd->nf; i++) {
		const struct finding *f = &cd->f[i];
		const struct cd_msg *m = f->m;

		expand(text, sizeof(text), m->text[cd->lang], f);
		if (m->fix[cd->lang] != NULL)
			expand(fix, sizeof(fix), m->fix[cd->lang], f);
		if (json) {
			fprintf(out, "%s\n  {\"severity\": \"%s\", \"code\": "
			    "\"%s\", \"subject\": ", i ? "," : "",
			    cdmsg_sev_name(m->sev, LANG_EN), m->code);
			json_str(f->subject);
			fprintf(out, ", \"detail\": ");
			json_str(f->arg);
			fprintf(out, ", \"message\": ");
			json_str(text);
			fprintf(out, ", \"fix\": ");
			if (m->fix[cd->lang] != NULL)
				json_str(fix);
			else
				fprintf(out, "null");
			fprintf(out, "}");
			continue;
		}
		fprintf(out, "%-9s %s: %s\n", cdmsg_sev_name(m->sev, cd->lang),
		    m->code, text);
		if (m->fix[cd->lang] != NULL)
			fprintf(out, "%-9s %s %s\n", "", L("fix:", "correction :"),
			    fix);
	}
	if (json)
		fprintf(out, "%s]}\n", cd->nf ? "\n" : "");
	else if (cd->lang == LANG_FR)
		fprintf(out, "%s : %d erreur%s, %d avertissement%s\n",
		    cd->domain, errors, errors > 1 ? "s" : "", warnings,
		    warnings > 1 ? "s" : "");
	else
		fprintf(out, "%s: %d error%s, %d warning%s\n", cd->domain,
		    errors, errors == 1 ? "" : "s", warnings,
		    warnings == 1 ? "" : "s");
	return errors;
}

/* --- the command -------------------------------------------------------- */

static ldns_resolver *
resolver_new(const char *server)
{
	ldns_resolver *res = NULL;
	struct timeval tv = { 2, 0 };

	if (server != NULL) {
		struct sockaddr_storage ss;
		socklen_t sl;
		uint16_t port = 53;
		ldns_rdf *ns;

		if (net_parse_addr(server, 53, &ss, &sl) != RB_OK) {
			fprintf(stderr, "rebondctl: --server %s: expected "
			    "ADDR[:PORT] ([ADDR]:PORT for IPv6)\n", server);
			return NULL;
		}
		if ((res = ldns_resolver_new()) == NULL ||
		    (ns = ldns_sockaddr_storage2rdf(&ss, &port)) == NULL) {
			fprintf(stderr, "rebondctl: check-domain: cannot make "
			    "a resolver\n");
			ldns_resolver_deep_free(res);
			return NULL;
		}
		ldns_resolver_push_nameserver(res, ns);
		ldns_rdf_deep_free(ns);
		ldns_resolver_set_port(res, port);
	} else if (ldns_resolver_new_frm_file(&res, NULL) != LDNS_STATUS_OK) {
		fprintf(stderr, "rebondctl: check-domain: cannot read the "
		    "system resolver's configuration (/etc/resolv.conf); give "
		    "--server ADDR\n");
		return NULL;
	}
	ldns_resolver_set_recursive(res, true);
	ldns_resolver_set_retry(res, 2);
	ldns_resolver_set_timeout(res, tv);
	ldns_resolver_set_random(res, false);
	ldns_resolver_set_fallback(res, true);
	ldns_resolver_set_edns_udp_size(res, 1232);
	return res;
}

static int
usage_err(const char *what, const char *arg)
{
	fprintf(stderr, "rebondctl: check-domain: %s%s%s\n", what,
	    arg ? ": " : "", arg ? arg : "");
	fprintf(stderr, "usage: rebondctl check-domain DOMAIN [--relay-ip "
	    "IP]... [--server ADDR[:PORT]]\n"
	    "       [--selector S]... [--envelope-domain D] [--dkim-domain D] "
	    "[--lang en|fr] [--json]\n"
	    "       rebondctl check-domain --seen [--days N] [--force] "
	    "[--relay-ip IP]... [...]\n");
	return 2;
}

static int
norm_domain(const char *in, char *out)
{
	return domain_normalise(in, strlen(in), out, DOMAIN_MAX + 1) < 0 ||
	    strchr(out, '.') == NULL ? -1 : 0;
}

static void
spf_entry_free(struct spf_entry *e)
{
	spf_free(&e->rec);
	free(e->text);
	free(e->near_text);
	free(e);
}

/* The findings of one domain go; the DNS answers stay for the next
 * domain, but not the failures: a resolver that timed out once gets
 * asked again, and the next domain is told (dns-error). */
static void
cd_next(struct cd *cd)
{
	int i, j, n = 0;

	for (i = 0; i < cd->nspf; i++)
		if (cd->spf[i]->status == SPF_E_FAIL)
			spf_entry_free(cd->spf[i]);
		else
			cd->spf[n++] = cd->spf[i];
	cd->nspf = n;
	for (n = 0, i = 0; i < cd->nans; i++)
		if (cd->ans[i]->status == DNS_FAIL) {
			for (j = 0; j < cd->ans[i]->n; j++)
				free(cd->ans[i]->v[j].s);
			free(cd->ans[i]->v);
			free(cd->ans[i]);
		} else
			cd->ans[n++] = cd->ans[i];
	cd->nans = n;
	free(cd->f);
	cd->f = NULL;
	cd->nf = 0;
	cd->queries = 0;
	cd->neterr = 0;
	cd->neterr_text[0] = '\0';
}

static void
cd_clear(struct cd *cd)
{
	int i, j;

	for (i = 0; i < cd->nans; i++) {
		for (j = 0; j < cd->ans[i]->n; j++)
			free(cd->ans[i]->v[j].s);
		free(cd->ans[i]->v);
		free(cd->ans[i]);
	}
	free(cd->ans);
	for (i = 0; i < cd->nspf; i++)
		spf_entry_free(cd->spf[i]);
	free(cd->spf);
	free(cd->f);
	if (cd->res != NULL)
		ldns_resolver_deep_free(cd->res);
}

/* What a run checks, whatever the domain. */
struct setup {
	struct relay	 relays[CD_LIST_MAX];
	int		 nrelay;
	const char	*sel[CD_LIST_MAX];
	int		 nsel;
	char		 env[DOMAIN_MAX + 1];
	char		 dkimdom[DOMAIN_MAX + 1];
};

static int
setup(struct setup *su, const struct conf *c)
{
	const char *const *rl = o_relay, *const *sl = o_sel;
	int i;

	su->nrelay = o_nrelay;
	su->nsel = o_nsel;
	if (o_over)
		return usage_err("at most 16 --relay-ip and 16 --selector",
		    NULL);
	if (o_env != NULL && norm_domain(o_env, su->env) != 0)
		return usage_err("--envelope-domain: not a domain name", o_env);
	if (o_dkimdom != NULL && norm_domain(o_dkimdom, su->dkimdom) != 0)
		return usage_err("--dkim-domain: not a domain name", o_dkimdom);
	/* The command line replaces the configured lists. */
	if (su->nrelay == 0 && c != NULL) {
		rl = (const char *const *)c->check_relay_ips.v;
		su->nrelay = c->check_relay_ips.n;
	}
	if (su->nsel == 0 && c != NULL) {
		sl = (const char *const *)c->check_selectors.v;
		su->nsel = c->check_selectors.n;
	}
	if (su->nrelay > CD_LIST_MAX || su->nsel > CD_LIST_MAX)
		return usage_err("at most 16 relay addresses and 16 selectors",
		    NULL);
	for (i = 0; i < su->nrelay; i++) {
		su->relays[i].text = rl[i];
		if (inet_pton(AF_INET, rl[i], su->relays[i].ip) == 1)
			su->relays[i].af = 4;
		else if (inet_pton(AF_INET6, rl[i], su->relays[i].ip) == 1)
			su->relays[i].af = 6;
		else
			return usage_err("not an IPv4 or IPv6 address", rl[i]);
	}
	for (i = 0; i < su->nsel; i++)
		su->sel[i] = sl[i];
	return 0;
}

/* Every check of one domain into cd->f.  -1 when DNS gave nothing at
 * all (cd->neterr_text says why), else 0. */
static int
check_one(struct cd *cd, const struct setup *su, const char *domain)
{
	static char names[CD_LIST_MAX][DOMAIN_MAX + 1];
	char *selnames[CD_LIST_MAX], full[2 * DOMAIN_MAX + 16];
	const char *dk = o_dkimdom ? su->dkimdom : domain;
	struct dmarc_record d;
	int nnames = 0, i, j, have;

	for (i = 0; i < su->nsel; i++) {
		snprintf(full, sizeof(full), "%s._domainkey.%s", su->sel[i],
		    dk);
		if (domain_normalise(full, strlen(full), names[nnames],
		    sizeof(names[nnames])) < 0)
		{
			usage_err("not a DKIM selector", su->sel[i]);
			return -2;
		}
		for (have = 0, j = 0; j < nnames; j++)
			if (strcmp(names[j], names[nnames]) == 0)
				have = 1;
		if (!have) {
			selnames[nnames] = names[nnames];
			nnames++;
		}
	}
	cd->domain = domain;
	if (check_spf(cd, su->relays, su->nrelay) < 0)
		return -1;
	check_dkim(cd, dk, selnames, nnames);
	have = check_dmarc(cd, &d);
	check_align(cd, o_env ? su->env : NULL, o_dkimdom ? su->dkimdom :
	    NULL, have ? &d : NULL);
	return 0;
}

static void
no_answer(const struct cd *cd)
{
	fprintf(stderr, "rebondctl: check-domain: %s: no answer from the DNS "
	    "server%s%s (%s)\n", cd->domain, o_server ? " " : "s",
	    o_server ? o_server : "", cd->neterr_text);
}

/* The result of cd's findings: errors and warnings with their codes,
 * errors first, each code once. */
void
cd_summary(const struct cd *cd, struct cd_result *r)
{
	size_t off = 0;
	int pass, i, j, dup;

	memset(r, 0, sizeof(*r));
	for (pass = SEV_ERROR; pass >= SEV_WARNING; pass--)
		for (i = 0; i < cd->nf; i++) {
			const struct cd_msg *m = cd->f[i].m;

			if (m->sev != pass)
				continue;
			if (pass == SEV_ERROR)
				r->errors++;
			else
				r->warnings++;
			for (dup = 0, j = 0; j < i; j++)
				if (cd->f[j].m == m)
					dup = 1;
			if (dup || off + strlen(m->code) + 2 >=
			    sizeof(r->codes))
				continue;
			off += (size_t)snprintf(r->codes + off,
			    sizeof(r->codes) - off, "%s%s", off ? " " : "",
			    m->code);
		}
}

int
checkdomain_seen(void)
{
	return o_seen;
}

int
checkdomain_force(void)
{
	return o_force;
}

struct cd *
cd_new(const struct conf *c, int *status)
{
	static struct setup su;
	struct cd *cd;

	*status = 2;
	cd = xcalloc(1, sizeof(*cd));
	if (o_lang == NULL || strcmp(o_lang, "en") == 0)
		cd->lang = LANG_EN;
	else if (strcmp(o_lang, "fr") == 0)
		cd->lang = LANG_FR;
	else {
		usage_err("--lang: expected en or fr", o_lang);
		free(cd);
		return NULL;
	}
	if (setup(&su, c) != 0 || (cd->res = resolver_new(o_server)) ==
	    NULL) {
		free(cd);
		return NULL;
	}
	cd->su = &su;
	cd->qps = c != NULL ? (int)c->check_qps : 0;
	return cd;
}

int
cd_check(struct cd *cd, const char *domain)
{
	int rc;

	cd_next(cd);
	if ((rc = check_one(cd, cd->su, domain)) == -1)
		no_answer(cd);
	return rc;
}

int
cd_print(struct cd *cd, int json)
{
	return print(cd, json, stdout);
}

int
cd_relays(const struct cd *cd)
{
	return cd->su->nrelay;
}

void
cd_free(struct cd *cd)
{
	cd_clear(cd);
	free(cd);
}

int
checkdomain_main(const struct conf *c, int argc, char **argv, int json)
{
	char domain[DOMAIN_MAX + 1];
	struct cd *cd;
	int errors, rc;

	if (argc != 1)
		return usage_err("expected one domain", NULL);
	if (norm_domain(argv[0], domain) != 0)
		return usage_err("not a domain name", argv[0]);
	if ((cd = cd_new(c, &rc)) == NULL)
		return rc;
	if (cd_check(cd, domain) < 0) {
		cd_free(cd);
		return 2;
	}
	errors = print(cd, json, stdout);
	cd_free(cd);
	if (fflush(stdout) != 0)
		return 2;
	return errors ? 1 : 0;
}
