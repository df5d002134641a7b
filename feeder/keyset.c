/* feeder/keyset.c - see keyset.h */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "keyset.h"
#include "util.h"

#define KEYSET_MIN	1024

uint64_t
keyset_print(const uint8_t key[20])
{
	uint64_t v;

	memcpy(&v, key, sizeof(v));
	return v;
}

/* 0 marks an empty slot. */
static uint64_t
fingerprint(uint64_t print)
{
	return print != 0 ? print : 1;
}

static void
put(uint64_t *slot, size_t nslot, uint64_t v)
{
	size_t i = (size_t)(v ^ v >> 29) & (nslot - 1);

	while (slot[i] != 0 && slot[i] != v)
		i = (i + 1) & (nslot - 1);
	slot[i] = v;
}

void
keyset_clear(struct keyset *s)
{
	if (s->slot != NULL)
		memset(s->slot, 0, s->nslot * sizeof(*s->slot));
	s->n = 0;
}

void
keyset_free(struct keyset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

void
keyset_add(struct keyset *s, uint64_t print)
{
	if (keyset_maybe(s, print))
		return;
	if (2 * (s->n + 1) > s->nslot) {
		size_t n = s->nslot ? 2 * s->nslot : KEYSET_MIN, i;
		uint64_t *slot = xcalloc(n, sizeof(*slot));

		for (i = 0; i < s->nslot; i++)
			if (s->slot[i] != 0)
				put(slot, n, s->slot[i]);
		free(s->slot);
		s->slot = slot;
		s->nslot = n;
	}
	put(s->slot, s->nslot, fingerprint(print));
	s->n++;
}

int
keyset_maybe(const struct keyset *s, uint64_t print)
{
	uint64_t v = fingerprint(print);
	size_t i;

	if (s->nslot == 0)
		return 0;
	for (i = (size_t)(v ^ v >> 29) & (s->nslot - 1); s->slot[i] != 0;
	    i = (i + 1) & (s->nslot - 1))
		if (s->slot[i] == v)
			return 1;
	return 0;
}
