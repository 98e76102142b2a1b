/*
 * View values. Lists and maps grow by doubling inside the arena (the old
 * array is left to the arena): pages are built and dropped whole.
 */
#include "view.h"

#include <string.h>

#include "../base/arena.h"

static struct view *make(struct arena *a, enum view_kind k)
{
	struct view *v = arena_alloc(a, sizeof(*v));
	v->kind = k;
	return v;
}

struct view *view_null(struct arena *a)
{
	return make(a, V_NULL);
}

struct view *view_bool(struct arena *a, int b)
{
	struct view *v = make(a, V_BOOL);
	v->b = b != 0;
	return v;
}

struct view *view_num(struct arena *a, double x)
{
	struct view *v = make(a, V_NUM);
	v->num = x;
	return v;
}

struct view *view_str(struct arena *a, const char *s)
{
	if (!s)
		return make(a, V_NULL);
	struct view *v = make(a, V_STR);
	v->s = s;
	return v;
}

struct view *view_list(struct arena *a)
{
	return make(a, V_LIST);
}

struct view *view_map(struct arena *a)
{
	return make(a, V_MAP);
}

static void grow(struct arena *a, struct view *v)
{
	if (v->n < v->cap)
		return;
	size_t cap = v->cap ? v->cap * 2 : 8;
	struct view **items = arena_alloc(a, cap * sizeof(*items));
	if (v->n)
		memcpy(items, v->items, v->n * sizeof(*items));
	v->items = items;
	if (v->kind == V_MAP) {
		const char **keys = arena_alloc(a, cap * sizeof(*keys));
		if (v->n)
			memcpy(keys, v->keys, v->n * sizeof(*keys));
		v->keys = keys;
	}
	v->cap = cap;
}

void view_push(struct arena *a, struct view *list, struct view *item)
{
	grow(a, list);
	list->items[list->n++] = item;
}

void view_set(struct arena *a, struct view *map, const char *key, struct view *val)
{
	grow(a, map);
	map->keys[map->n] = key;
	map->items[map->n++] = val;
}

void view_sets(struct arena *a, struct view *map, const char *key, const char *s)
{
	view_set(a, map, key, view_str(a, s));
}

void view_setb(struct arena *a, struct view *map, const char *key, int b)
{
	view_set(a, map, key, view_bool(a, b));
}

void view_setn(struct arena *a, struct view *map, const char *key, double x)
{
	view_set(a, map, key, view_num(a, x));
}

const struct view *view_get(const struct view *map, const char *key)
{
	if (!map || map->kind != V_MAP)
		return NULL;
	/* From the end, so that a later set wins. Maps are small. */
	for (size_t i = map->n; i-- > 0;)
		if (map->keys[i][0] == key[0] && strcmp(map->keys[i], key) == 0)
			return map->items[i];
	return NULL;
}

int view_truthy(const struct view *v)
{
	if (!v)
		return 0;
	switch (v->kind) {
	case V_NULL: return 0;
	case V_BOOL: return v->b;
	case V_NUM: return 1;
	case V_STR: return v->s[0] != '\0';	/* "" is empty: a section skips it */
	case V_LIST: return v->n > 0;
	case V_MAP: return 1;
	}
	return 0;
}
