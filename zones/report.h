/*
 * zones/report.h - a bounce report for the relay that handed us a mail.
 *
 * When a peer's relay hands this node a mail (the feeder recognises the
 * peer by its client address or SASL name, see peer.h) and the mail
 * bounces, this node lists the recipient for itself with scope local
 * and queues a report to the peer, which decides what to publish.
 * rebond-sync pushes the queue (POST /v1/report, doc/PROTOCOL.md) and
 * retries while the peer is down; the transaction id makes a report
 * taken twice count once.
 *
 * In the `sync` key-value database:
 *
 *	'Q' . be32(peer origin id) . txid (16)    -> report     to push
 *	'T' . be32(day) . txid (16)               -> be32(peer)  taken
 *
 * Encoding (all integers big-endian):
 *
 *	version 1 (1) | txid (16) | zone (1) | key length (1) | key |
 *	reason (1) | status class (1) subject (2) detail (2) | time (8) |
 *	be16(sender length) | sender | queue id length (1) | queue id
 *
 * The key is what the zone keys are (SHA-1 for rcpt, the reversed
 * domain for rdom); the sender is the envelope sender, the peer's own
 * user, and the queue id this node's, for the peer's logs.
 */
#ifndef REBOND_ZONES_REPORT_H
#define REBOND_ZONES_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "record.h"

struct store_txn;

#define REPORT_VERSION	1
#define REPORT_TXID	16
#define REPORT_QID_MAX	31
#define REPORT_MAX	(1 + REPORT_TXID + 2 + DOMAIN_MAX + 1 + 5 + 8 + \
			 2 + ADDR_MAX + 1 + REPORT_QID_MAX)
#define REPORT_K_QUEUE	'Q'
#define REPORT_K_TAKEN	'T'

struct report {
	uint8_t		txid[REPORT_TXID];
	struct zkey	key;
	uint8_t		reason;
	struct status	status;
	int64_t		time;
	char		sender[ADDR_MAX + 1];
	char		queue_id[REPORT_QID_MAX + 1];
};

/* Encode into buf (REPORT_MAX bytes); the length, 0 if r is invalid. */
size_t	report_encode(const struct report *r, uint8_t *buf, size_t len);
/* Strict: any other length, version, zone, key or reason is refused.
 * 0 or RB_EINVAL. */
int	report_decode(const uint8_t *buf, size_t len, struct report *r);

/* Queue r (a fresh txid is drawn) for the peer with that origin id. */
int	report_queue(struct store_txn *, uint32_t peer, struct report *r);

#endif
