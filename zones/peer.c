/* sync/peer.c - see peer.h */
#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "net.h"
#include "peer.h"
#include "policy.h"
#include "util.h"

#define WHY(s)	do { if (why != NULL) *why = (s); } while (0)

static const char *const trust_names[] = { "full", "partial", "observe" };

int
trust_parse(const char *s)
{
	int i;

	for (i = 0; i <= TRUST_OBSERVE; i++)
		if (strcmp(s, trust_names[i]) == 0)
			return i;
	return RB_EINVAL;
}

const char *
trust_name(int trust)
{
	return trust >= 0 && trust <= TRUST_OBSERVE ? trust_names[trust] : "?";
}

int
peer_name_valid(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > PEER_NAME_MAX || strcmp(name, "self") == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_' ||
		    name[i] == '.' || name[i] == '-'))
			return 0;
	return 1;
}

int
peer_url_valid(const char *url)
{
	const char *host;
	size_t n = strlen(url), i;

	if (n > PEER_URL_MAX)
		return 0;
	if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return 0;
	if (*host == '\0' || *host == '/' || *host == ':')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			return 0;
	return 1;
}

void
peer_anon_name(const uint8_t key[32], char *buf, size_t len)
{
	char hex[9];

	hex_encode(key, 4, hex);
	snprintf(buf, len, "~%s", hex);
}

static void
peer_key(uint32_t id, uint8_t k[5])
{
	k[0] = SYNC_K_PEER;
	be_put(k + 1, id, 4);
}

static int
peer_decode(const void *v, size_t vlen, struct peer *p)
{
	const uint8_t *b = v;
	size_t ul;

	if (vlen >= 2 && b[0] == 1 && vlen - 2 <= PEER_URL_MAX) {
		p->flags = b[1];
		memcpy(p->url, b + 2, vlen - 2);
		p->url[vlen - 2] = '\0';
		p->clients[0] = '\0';
		return RB_OK;
	}
	if (vlen < 4 || b[0] != 2)
		return RB_ECORRUPT;
	ul = (size_t)be_get(b + 2, 2);
	if (ul > PEER_URL_MAX || vlen - 4 < ul ||
	    vlen - 4 - ul > PEER_CLIENTS_MAX)
		return RB_ECORRUPT;
	p->flags = b[1];
	memcpy(p->url, b + 4, ul);
	p->url[ul] = '\0';
	memcpy(p->clients, b + 4 + ul, vlen - 4 - ul);
	p->clients[vlen - 4 - ul] = '\0';
	return RB_OK;
}

static int
peer_put(struct store_txn *t, const struct peer *p)
{
	uint8_t k[5], v[4 + PEER_URL_MAX + PEER_CLIENTS_MAX];
	size_t ul = strlen(p->url), cl = strlen(p->clients);

	if (ul > PEER_URL_MAX || cl > PEER_CLIENTS_MAX)
		return RB_EINVAL;
	peer_key(p->origin.id, k);
	if (cl == 0) {
		v[0] = 1;
		v[1] = p->flags;
		memcpy(v + 2, p->url, ul);
		return store_kv_put(t, KV_SYNC, k, sizeof(k), v, 2 + ul);
	}
	v[0] = 2;
	v[1] = p->flags;
	be_put(v + 2, ul, 2);
	memcpy(v + 4, p->url, ul);
	memcpy(v + 4 + ul, p->clients, cl);
	return store_kv_put(t, KV_SYNC, k, sizeof(k), v, 4 + ul + cl);
}

int
peer_get_id(struct store_txn *t, uint32_t id, struct peer *p)
{
	uint8_t k[5];
	const void *v;
	size_t vlen;
	int rc;

	memset(p, 0, sizeof(*p));
	peer_key(id, k);
	if ((rc = store_kv_get(t, KV_SYNC, k, sizeof(k), &v, &vlen)) != RB_OK)
		return rc;
	if ((rc = peer_decode(v, vlen, p)) != RB_OK)
		return rc;
	rc = store_origin_get(t, id, &p->origin);
	return rc == RB_ENOENT ? RB_ECORRUPT : rc;
}

struct each_ctx {
	struct store_txn *t;
	peer_fn		  fn;
	void		 *arg;
};

static int
each_peer(const void *k, size_t klen, const void *v, size_t vlen, void *arg)
{
	struct each_ctx *x = arg;
	struct peer p;

	if (klen != 5)
		return 0;
	memset(&p, 0, sizeof(p));
	if (peer_decode(v, vlen, &p) != RB_OK ||
	    store_origin_get(x->t, (uint32_t)be_get((const uint8_t *)k + 1, 4),
	    &p.origin) != RB_OK)
		return RB_ECORRUPT;
	return x->fn(&p, x->arg);
}

int
peer_foreach(struct store_txn *t, peer_fn fn, void *arg)
{
	struct each_ctx x = { t, fn, arg };
	uint8_t prefix = SYNC_K_PEER;

	return store_kv_foreach(t, KV_SYNC, &prefix, 1, each_peer, &x);
}

struct find_ctx {
	const char	*name;
	struct peer	*out;
};

static int
find_name(const struct peer *p, void *arg)
{
	struct find_ctx *f = arg;

	if (strcmp(p->origin.name, f->name) != 0)
		return 0;
	*f->out = *p;
	return 1;
}

int
peer_get(struct store_txn *t, const char *name, struct peer *p)
{
	struct find_ctx f = { name, p };
	int rc;

	if ((rc = peer_foreach(t, find_name, &f)) < 0)
		return rc;
	return rc == 1 ? RB_OK : RB_ENOENT;
}

static int
origin_named(const struct origin *o, void *arg)
{
	return strcmp(o->name, arg) == 0 ? 1 : 0;
}

int
peer_add(struct store_txn *t, const char *name, const uint8_t key[32],
    const char *url, int trust, int share, const char **why)
{
	struct peer p, old;
	struct origin self;
	int rc;

	if (!peer_name_valid(name)) {
		WHY("a peer name is 1 to 63 of a-z 0-9 _ . - and not 'self'");
		return RB_EINVAL;
	}
	if (!peer_url_valid(url)) {
		WHY("the URL must start with http:// or https://, name a host "
		    "and hold no blank or control character");
		return RB_EINVAL;
	}
	if (trust < TRUST_FULL || trust > TRUST_OBSERVE) {
		WHY("trust is full, partial or observe");
		return RB_EINVAL;
	}
	memset(&p, 0, sizeof(p));
	if (memcmp(p.origin.key, key, 32) == 0) {
		WHY("the all-zero key is not a node id");
		return RB_EINVAL;
	}
	if ((rc = store_origin_get(t, 0, &self)) != RB_OK)
		return rc;
	if (memcmp(self.key, key, 32) == 0) {
		WHY("that key is this node's own (rebondctl id)");
		return RB_EINVAL;
	}
	rc = peer_get(t, name, &old);
	if (rc == RB_OK) {
		/* An update of that peer. */
		if (memcmp(old.origin.key, key, 32) != 0) {
			WHY("a peer of that name exists with another key "
			    "(peer del it first)");
			return RB_EEXIST;
		}
		p.origin = old.origin;
		memcpy(p.clients, old.clients, sizeof(p.clients));
	} else if (rc != RB_ENOENT)
		return rc;
	else if ((rc = store_origin_find_key(t, key, &p.origin)) == RB_OK) {
		/* A relayed origin or a deleted peer comes back. */
		if (peer_get_id(t, p.origin.id, &old) == RB_OK) {
			WHY("that key is already configured as another peer");
			return RB_EEXIST;
		}
	} else if (rc != RB_ENOENT)
		return rc;
	else {
		memset(&p.origin, 0, sizeof(p.origin));
		memcpy(p.origin.key, key, 32);
		p.origin.id = 0;
	}
	/* Names are unique among all origins ("~" names cannot clash). */
	if (strcmp(p.origin.name, name) != 0 &&
	    (rc = store_origin_foreach(t, origin_named, (void *)(uintptr_t)
	    name)) != 0) {
		if (rc < 0)
			return rc;
		WHY("an origin of that name exists");
		return RB_EEXIST;
	}
	snprintf(p.origin.name, sizeof(p.origin.name), "%s", name);
	p.origin.trust = (uint8_t)trust;
	if (p.origin.id == 0)
		rc = store_origin_add(t, &p.origin);
	else
		rc = store_origin_put(t, &p.origin);
	if (rc != RB_OK)
		return rc;
	p.flags = share ? PEER_SHARE : 0;
	snprintf(p.url, sizeof(p.url), "%s", url);
	return peer_put(t, &p);
}

int
peer_del(struct store_txn *t, const char *name)
{
	struct peer p;
	uint8_t k[5];
	int rc;

	if ((rc = peer_get(t, name, &p)) != RB_OK)
		return rc;
	peer_key(p.origin.id, k);
	if ((rc = store_kv_del(t, KV_SYNC, k, sizeof(k))) != RB_OK)
		return rc;
	p.origin.trust = TRUST_OBSERVE;
	peer_anon_name(p.origin.key, p.origin.name, sizeof(p.origin.name));
	return store_origin_put(t, &p.origin);
}

int
self_key_set(struct store_txn *t, const uint8_t pk[32], int *changed)
{
	static const uint8_t zero[32];
	struct origin self;
	int rc;

	if (changed != NULL)
		*changed = 0;
	if ((rc = store_origin_get(t, 0, &self)) != RB_OK)
		return rc;
	if (memcmp(self.key, pk, 32) == 0)
		return RB_OK;
	if (changed != NULL && memcmp(self.key, zero, 32) != 0)
		*changed = 1;
	memcpy(self.key, pk, 32);
	return store_origin_put(t, &self);
}

int
peer_clients_parse(const char *in, char *out, const char **why)
{
	char tok[128], norm[160];
	const char *p = in;
	size_t n, len = 0;
	struct cidr c;

	out[0] = '\0';
	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		n = strcspn(p, " \t,");
		if (n >= sizeof(tok)) {
			WHY("a client is at most 127 characters");
			return RB_EINVAL;
		}
		memcpy(tok, p, n);
		tok[n] = '\0';
		p += n;
		if (strncmp(tok, "sasl:", 5) == 0) {
			size_t i;

			if (tok[5] == '\0') {
				WHY("sasl: needs a name");
				return RB_EINVAL;
			}
			for (i = 5; tok[i]; i++)
				if ((unsigned char)tok[i] <= 0x20 ||
				    tok[i] == 0x7f) {
					WHY("a SASL name has no blank or "
					    "control character");
					return RB_EINVAL;
				}
			snprintf(norm, sizeof(norm), "%s", tok);
		} else if (cidr_parse(tok, &c) == RB_OK) {
			char a[INET6_ADDRSTRLEN];

			inet_ntop(c.family, c.addr, a, sizeof(a));
			snprintf(norm, sizeof(norm), "%s/%d", a, c.bits);
		} else {
			WHY("a client is an address, a CIDR such as "
			    "192.0.2.0/24, or sasl:NAME");
			return RB_EINVAL;
		}
		n = strlen(norm);
		if (len + (len > 0) + n > PEER_CLIENTS_MAX) {
			WHY("the client list is longer than 255 characters");
			return RB_EINVAL;
		}
		if (len > 0)
			out[len++] = ' ';
		memcpy(out + len, norm, n + 1);
		len += n;
	}
	return RB_OK;
}

int
peer_set_clients(struct store_txn *t, const char *name, const char *clients,
    const char **why)
{
	struct peer p;
	int rc;

	if ((rc = peer_get(t, name, &p)) != RB_OK)
		return rc;
	if ((rc = peer_clients_parse(clients, p.clients, why)) != RB_OK)
		return rc;
	return peer_put(t, &p);
}

int
peer_client_match(const struct peer *p, const char *client)
{
	struct sockaddr_storage ss;
	struct cidr c;
	const char *s = p->clients;
	char tok[128];
	size_t n;
	int ip = 0;

	if (client == NULL || client[0] == '\0' || s[0] == '\0')
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (strncmp(client, "ip:", 3) == 0) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		if (inet_pton(AF_INET, client + 3, &s4->sin_addr) == 1) {
			s4->sin_family = AF_INET;
			ip = 1;
		} else if (inet_pton(AF_INET6, client + 3,
		    &s6->sin6_addr) == 1) {
			s6->sin6_family = AF_INET6;
			ip = 1;
		}
	}
	while (*s) {
		n = strcspn(s, " ");
		if (n < sizeof(tok)) {
			memcpy(tok, s, n);
			tok[n] = '\0';
			if (strncmp(tok, "sasl:", 5) == 0) {
				if (strcmp(tok, client) == 0)
					return 1;
			} else if (ip && cidr_parse(tok, &c) == RB_OK &&
			    cidr_match(&c, 1, (struct sockaddr *)&ss))
				return 1;
		}
		s += n;
		s += strspn(s, " ");
	}
	return 0;
}
