/*
 * sync/peer.h - the peers this node exchanges records with.
 *
 * A peer is an origin of the store (name, public key, trust: what the
 * policy reads) plus what only sync needs, in the `sync` key-value
 * database:
 *
 *	'P' . be32(origin id)  ->  version 1 (1) | flags (1) | URL
 *
 *	'P' . be32(origin id)  ->  version 2 (1) | flags (1) | be16(URL
 *	                           length) | URL | clients
 *
 * (version 1, without clients, is still read.)
 * flags: PEER_SHARE, this node serves its own records of scope peers
 * and federation to that peer.  Trust is explicit and one hop: a key
 * that is not a configured peer gets nothing and is heard by nobody
 * (records it signed may still arrive relayed, with scope federation:
 * they are kept with trust observe, see apply.h).
 *
 * Names are [a-z0-9_.-]{1,63}, unique; "self" is this node.  Origins
 * that are not peers (relayed origins, deleted peers) are named "~"
 * followed by the first 8 hex digits of their key.
 *
 * Functions return 0 or a negative RB_E* code; those that can refuse
 * set *why to a short static reason.
 */
#ifndef REBOND_SYNC_PEER_H
#define REBOND_SYNC_PEER_H

#include <stdint.h>

#include "store.h"

#define PEER_SHARE	0x01
#define PEER_URL_MAX	512
#define PEER_NAME_MAX	63
#define SYNC_K_PEER	'P'	/* key prefix in KV_SYNC */

#define PEER_CLIENTS_MAX 255

struct peer {
	struct origin	origin;		/* id, key, name, trust, last_seq */
	uint8_t		flags;		/* PEER_* */
	char		url[PEER_URL_MAX + 1];
	/* How our MTA sees the peer's relay when it hands us mail: blank-
	 * separated CIDRs ("192.0.2.7", "2001:db8::/64") and SASL names
	 * ("sasl:relay-a"), matched against the feeder's client of each
	 * mail (peer_client_match()).  A bounce of such a mail is
	 * reported back to the peer.  Empty: none. */
	char		clients[PEER_CLIENTS_MAX + 1];
};

int	peer_name_valid(const char *name);	/* 1 or 0 */
int	peer_url_valid(const char *url);	/* http:// or https:// */
/* "full", "partial", "observe" <-> enum trust; parse gives RB_EINVAL. */
int	trust_parse(const char *s);
const char *trust_name(int trust);

/* Add a peer, or update the URL, trust and sharing of the peer of that
 * name (its key cannot change: peer_del first).  A key already known as
 * a relayed origin or a deleted peer gets that origin back, records and
 * cursor included.  Refused with RB_EINVAL (bad name, URL or trust;
 * this node's own key) or RB_EEXIST (name taken by another key, key
 * taken by another peer).  The new trust is what the policy reads from
 * then on: the listings of the keys the origin spoke of are computed
 * again in the same transaction (store_origin_put()). */
int	peer_add(struct store_txn *, const char *name, const uint8_t key[32],
	    const char *url, int trust, int share, const char **why);
/* Set the clients of the peer of that name (see struct peer); clients
 * is normalised (blank-separated, IPs as CIDRs).  RB_EINVAL with *why
 * if a client is neither an address, a CIDR nor sasl:NAME, or the list
 * is too long; RB_ENOENT if there is no such peer. */
int	peer_set_clients(struct store_txn *, const char *name,
	    const char *clients, const char **why);
/* Normalise a client list into out (PEER_CLIENTS_MAX + 1 bytes): 0 or
 * RB_EINVAL with *why. */
int	peer_clients_parse(const char *in, char *out, const char **why);
/* 1 if client, as the feeder writes it ("ip:192.0.2.7", "sasl:name"),
 * is one of p's clients. */
int	peer_client_match(const struct peer *p, const char *client);

/* Forget the peer: its origin stays (records and evidence refer to it)
 * with trust observe and a "~" name.  RB_ENOENT if there is none. */
int	peer_del(struct store_txn *, const char *name);

int	peer_get(struct store_txn *, const char *name, struct peer *out);
int	peer_get_id(struct store_txn *, uint32_t origin, struct peer *out);
typedef int (*peer_fn)(const struct peer *, void *arg);
/* Every peer in origin id order; stops when fn returns non-zero. */
int	peer_foreach(struct store_txn *, peer_fn fn, void *arg);

/* Record pk, this node's public key, as origin 0's key.  *changed (if
 * not NULL) is set when the store knew another key before. */
int	self_key_set(struct store_txn *, const uint8_t pk[32], int *changed);

/* The "~1a2b3c4d" name of an origin that is not a peer. */
void	peer_anon_name(const uint8_t key[32], char *buf, size_t len);

#endif
