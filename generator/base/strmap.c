/*
 * Hash map with linear probing; grows at 50% load.
 */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "mem.h"

static uint64_t hash(const char *s)
{
	return XXH3_64bits(s, strlen(s));
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	uint64_t h = hash(key);
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		if (!m->slots[i].key)
			return NULL;
		if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0)
			return m->slots[i].val;
	}
}

static void rehash_to(struct strmap *m, size_t ncap)
{
	struct strmap_slot *old = m->slots;
	size_t ocap = m->cap;
	m->slots = xcalloc(ncap, sizeof(*m->slots));
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		if (!old[i].key)
			continue;
		size_t j = old[i].hash & (ncap - 1);
		while (m->slots[j].key)
			j = (j + 1) & (ncap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

static void rehash(struct strmap *m)
{
	rehash_to(m, m->cap ? m->cap * 2 : 16);
}

void strmap_reserve(struct strmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16;
	while ((n + 1) * 2 > cap)
		cap *= 2;
	if (cap > m->cap)
		rehash_to(m, cap);
}

void *strmap_put(struct strmap *m, const char *key, void *val)
{
	if ((m->n + 1) * 2 > m->cap)
		rehash(m);
	size_t mask = m->cap - 1;
	uint64_t h = hash(key);
	size_t i = h & mask;
	for (; m->slots[i].key; i = (i + 1) & mask)
		if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0)
			return m->slots[i].val;
	m->slots[i] = (struct strmap_slot){ key, val, h };
	m->n++;
	return NULL;
}

void strmap_set(struct strmap *m, const char *key, void *val)
{
	/* Not through strmap_put's answer: a key present with a NULL value
	 * would read as put, and keep its NULL. */
	if ((m->n + 1) * 2 > m->cap)
		rehash(m);
	uint64_t h = hash(key);
	size_t mask = m->cap - 1, i = h & mask;
	for (; m->slots[i].key; i = (i + 1) & mask)
		if (m->slots[i].hash == h && strcmp(m->slots[i].key, key) == 0) {
			m->slots[i].val = val;
			return;
		}
	m->slots[i] = (struct strmap_slot){ key, val, h };
	m->n++;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
