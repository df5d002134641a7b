/*
 * feeder/keyset.h - a set of 20-byte keys (SHA-1 hashes) that may answer
 * "maybe" but never misses a key added: the feeder's memory of which
 * recipients the store may hold something for, so that the usual
 * recipient, never bounced, costs no store lookup.
 *
 * Keys are kept as 8-byte prints: two keys sharing one only cost a
 * lookup.  Open addressing, doubled when half full.
 */
#ifndef REBOND_KEYSET_H
#define REBOND_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct keyset {
	uint64_t	*slot;		/* 0: empty */
	size_t		 nslot, n;	/* nslot: a power of two, or 0 */
};

void	keyset_clear(struct keyset *);	/* empty, memory kept */
void	keyset_free(struct keyset *);
/* A key is added and asked for by its print: the first 8 bytes of a
 * hash (keyset_print()), or a 64-bit hash of other keys. */
uint64_t keyset_print(const uint8_t key[20]);
void	keyset_add(struct keyset *, uint64_t print);
/* 0: the print was never added; 1: it may have been. */
int	keyset_maybe(const struct keyset *, uint64_t print);

#endif
