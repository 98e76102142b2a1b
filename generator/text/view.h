/*
 * The data a template renders: a small dynamic value (null, boolean, number,
 * string, list, map with ordered keys) allocated in an arena. The HTML stage
 * builds one per page from the typed model; the Mustache spec runner builds
 * them from YAML. Read-only once built.
 */
#ifndef CARTO_VIEW_H
#define CARTO_VIEW_H

#include <stddef.h>

struct arena;

enum view_kind { V_NULL, V_BOOL, V_NUM, V_STR, V_LIST, V_MAP };

struct view {
	enum view_kind kind;
	int b;
	double num;
	const char *s;
	struct view **items;	/* list items, or map values */
	const char **keys;	/* map keys */
	size_t n, cap;
};

/* Constructors never fail. view_str with NULL gives null; strings are not
 * copied (they live in the model or the arena). */
struct view *view_null(struct arena *a);
struct view *view_bool(struct arena *a, int b);
struct view *view_num(struct arena *a, double x);
struct view *view_str(struct arena *a, const char *s);
struct view *view_list(struct arena *a);
struct view *view_map(struct arena *a);
/* Appends to a list. */
void view_push(struct arena *a, struct view *list, struct view *item);
/* Sets key in a map (appends; a later set of the same key wins on lookup). */
void view_set(struct arena *a, struct view *map, const char *key, struct view *val);
/* Shorthands for view_set with a new string, boolean or number. */
void view_sets(struct arena *a, struct view *map, const char *key, const char *s);
void view_setb(struct arena *a, struct view *map, const char *key, int b);
void view_setn(struct arena *a, struct view *map, const char *key, double x);
/* Returns the value of key in a map, or NULL. */
const struct view *view_get(const struct view *map, const char *key);
/* Returns 1 when the value counts as true in a section. */
int view_truthy(const struct view *v);

#endif
