# The build cache (generator/render/cache.h), sourced by run.sh with CARTO,
# LABEL and TMP set, and ok/fail defined. A copy of the example site is
# built with the cache, then changed one kind of input at a time; after each
# change the build with the cache must give exactly the bytes of a clean
# build without it (diff -r), and reuse what did not change.

C="$TMP/cache-$LABEL"
rm -rf "$C" "$TMP/.cache-$LABEL".*
mkdir -p "$C/site"
cp -r site.yaml referentiels content themes "$C/site/"

cache_test() { [ $? = 0 ] && ok "$LABEL cache/$1" || fail "$LABEL cache/$1${2:+: $2}"; }
# cache_test_d NAME 'COMMAND': the same, the detail printed by COMMAND, run
# only on failure (a "$(…)" argument would set $? itself).
cache_test_d() { [ $? = 0 ] && ok "$LABEL cache/$1" || fail "$LABEL cache/$1: $(eval "$2")"; }

# cache_same NAME [OPTION...]: builds with the cache over $C/out, and
# without it into a fresh $C/clean, with the same options; the trees must
# be the same. The cached build's summary is kept in $C/log. Every change
# before a cache_same is one the build must see: the build's fingerprint
# (generator/fingerprint.h) must not let it stop early, unless FAST=1 says
# that nothing changed.
FAST_LINE='^carto: nothing changed since the last build'
cache_same() {
	name=$1
	shift
	rm -rf "$C/clean" "$C/.clean".*
	# A change made in the clock tick (4 ms) the build starts in is racy:
	# that build runs but leaves no fingerprint (fingerprint.h), so the
	# next one could not stop early. An editor is never that quick; the
	# test waits out the tick so that FAST=1 does not depend on timing.
	sleep 0.02
	"$CARTO" build --site "$C/site" --out "$C/out" "$@" > "$C/log" 2>&1 &&
		"$CARTO" build --no-cache --site "$C/site" --out "$C/clean" "$@" > "$C/clean.log" 2>&1 &&
		diff -r "$C/out" "$C/clean" > "$C/diff" 2>&1 &&
		! grep -q 'build cache\|nothing changed' "$C/clean.log"
	st=$?; detail=$(head -c 600 "$C/diff"; cat "$C/log"); [ "$st" = 0 ]
	cache_test "$name" "$detail"
	if [ "${FAST:-0}" = 1 ]; then grep -q "$FAST_LINE" "$C/log"; else ! grep -q "$FAST_LINE" "$C/log"; fi
	cache_test_d "$name-fast-is-${FAST:-0}" 'cat "$C/log"'
}

# index_now DIR: the documents of the cache's index in DIR (a .out.cache)
# as a build reads them: the index, with its journal applied when the
# journal names it (generator/render/cache.c), in the index's format.
index_now() {
	python3 - "$1/index" "$1/journal" <<'PY'
import signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)	# read by grep -q, which may stop early
def docs(lines, i, end):
    out = []
    while i < end:
        n, m = int(lines[i].split()[1]), int(lines[i].split()[2])
        out.append((lines[i].split()[0], lines[i:i + 1 + n + m])); i += 1 + n + m
    return out
try:
    base = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().split("\n")[:-1]
except OSError:
    sys.exit(0)
if not base or base[0] != "carto-cache 4" or not base[-1].startswith("end "):
    sys.exit(0)
order, by = [], {}
for k, rec in docs(base, 1, len(base) - 1):
    if k not in by:
        order.append(k); by[k] = rec
try:
    j = open(sys.argv[2], encoding="utf-8", errors="surrogateescape").read().split("\n")[:-1]
except OSError:
    j = []
if j and j[0] == "carto-cache-journal 1 " + base[-1][4:] and j[-1].startswith("end "):
    i = 1
    while i < len(j) - 1 and j[i].startswith("- "):
        by.pop(j[i][2:], None); i += 1
    placed = set(order)
    for k, rec in docs(j, i, len(j) - 1):
        if k not in placed: order.append(k); placed.add(k)
        by[k] = rec
for k in order:
    if k in by:
        print("\n".join(by[k]))
PY
}

# page_key FILE: the key of the document that wrote FILE, from the index.
page_key() {
	index_now "$C/.out.cache" | awk -v f="$1" 'NF == 3 && length($1) == 32 { k = $1 } NF >= 7 && $NF == f { print k }'
}

# reused: the number of documents the last cached build put back.
reused() { sed -n 's/^carto: \([0-9]*\) documents\{0,1\} reused from the build cache, \([0-9]*\) rendered$/\1 \2/p' "$C/log"; }

# The first build has no cache; the second one changes nothing and renders
# no document again (a cache that never hits fails here).
cache_same first
[ -d "$C/.out.cache" ] && [ -z "$(reused)" ]
cache_test_d first-writes-cache 'ls -a "$C"'
# Nothing changed: the fingerprint holds, the build stops before loading,
# prints what the last one printed and touches nothing in the output.
stamps() { find "$C/out" "$C/.out.cache" "$C/.out.spare" -printf '%p %i %s %T@ %C@\n' 2> /dev/null | sort; }
cp "$C/log" "$C/log.before"
stamps > "$C/stamps.before"
FAST=1 cache_same nothing-changed
stamps > "$C/stamps.after"
cmp -s "$C/stamps.before" "$C/stamps.after"
cache_test_d nothing-changed-untouched 'diff "$C/stamps.before" "$C/stamps.after" | head -5'
[ "$(grep -v "$FAST_LINE" "$C/log")" = "$(grep -v 'reused from the build cache' "$C/log.before")" ]
cache_test_d nothing-changed-same-summary 'cat "$C/log.before" "$C/log"'
# A file touched (its identity changed, not its bytes): the build runs,
# and the cache puts back every document.
touch "$C/site/site.yaml"
cache_same touched
r=$(reused)
[ "${r% *}" -gt 50 ] 2> /dev/null && [ "${r#* }" = 0 ]
cache_test_d nothing-changed-reuses 'cat "$C/log"'
# A document put back whose file in the new tree is the very file recorded
# (a link to --out's, of the same identity) is taken without looking at
# --out's copy (publish_reuse): an organisation's page is looked at once,
# in the new tree, before the swap (by its path, or from the descriptor
# of the new tree, which publish_begin opens).
if can_strace "cache/reuse-looks-at-new-tree-only"; then
	touch "$C/site/site.yaml"
	org=$(ls "$C/out/organismes" | grep -v '\.html$' | head -1)
	strace -f -qq -o "$C/strace" -e trace=lstat,newfstatat,statx,stat,renameat2,rename,openat \
		"$CARTO" build --site "$C/site" --out "$C/out" > /dev/null 2>&1
	# Up to the swap: the rename of the tree being built itself (the load
	# snapshot's table of identities is renamed into place before it).
	awk '/(renameat2|rename)\(.*\.out\.tmp\.[0-9]+"/ { exit } { print }' "$C/strace" > "$C/strace.before"
	tfd=$(sed -n 's/.*openat(AT_FDCWD, "[^"]*\/\.out\.tmp\.[0-9]*", O_RDONLY[^)]*O_DIRECTORY[^)]*) = \([0-9]*\)$/\1/p' \
		"$C/strace.before" | head -1)
	[ -n "$org" ] && grep -qE "(\.out\.tmp\.[0-9]+/|newfstatat\(${tfd:-none}, \")organismes/$org/index.html\"" \
		"$C/strace.before" && ! grep -q "\"$C/out/organismes/$org/index.html\"" "$C/strace.before"
	cache_test_d reuse-looks-at-new-tree-only 'grep "organismes/$org/index.html" "$C/strace"'
	# One look at each file put back and at each folder (publish.c,
	# struct pdir): the page, from the descriptor of its folder or of one
	# above it; its folder, left unchanged, only once, by the prune; its
	# fiche once. Never by the new tree's whole path.
	looks() { grep -cE "^[0-9]+ +(newfstatat|lstat|stat|statx)\([^\"]*\"([^\"]*/)?$1\"" "$C/strace.before"; }
	n_page=$(looks "$org/index.html"); n_dir=$(looks "$org"); n_pdf=$(looks "$org.pdf")
	[ "$n_page" = 1 ] && [ "$n_dir" = 1 ] && [ "$n_pdf" = 1 ] &&
		! grep -qE "\"[^\"]*\.out\.tmp\.[0-9]+/organismes/$org(/index.html)?\"" "$C/strace.before"
	cache_test_d reuse-one-look-each 'echo "page $n_page folder $n_dir fiche $n_pdf"; grep -E "$org(/index.html|\\.pdf)?\"" "$C/strace.before"'
	FAST=1 cache_same touched-again
fi
# A folder of the spare replaced by a symbolic link (to the published one,
# whose files are the very files recorded), at the top of the tree, in a
# folder, and a file replaced so: the build is not fooled by a look through
# the link (a folder is trusted without a look only when the folder holding
# it is found as an earlier build left it, which a link put in it changes:
# publish.c, struct pdir); it publishes real folders and files, with no
# warning, and leaves the previous site (the link's target) whole.
org=$(ls "$C/out/organismes" | grep -v '\.html$' | sed -n 2p)
no_links() { [ -z "$(find "$C/out" "$C/.out.spare" -type l)" ] && ! grep -q 'warning:' "$C/log"; }
rm -rf "$C/.out.spare/organismes/$org"
ln -s "$C/out/organismes/$org" "$C/.out.spare/organismes/$org"
touch "$C/site/site.yaml"
cache_same spare-folder-symlink
no_links && [ -f "$C/.out.spare/organismes/$org/index.html" ]
cache_test_d spare-folder-symlink-replaced 'find "$C/out" "$C/.out.spare" -type l; cat "$C/log"'
rm -rf "$C/.out.spare/pdf"
ln -s "$C/out/pdf" "$C/.out.spare/pdf"
touch "$C/site/site.yaml"
cache_same spare-top-folder-symlink
no_links && [ -n "$(ls "$C/.out.spare/pdf/organismes")" ]
cache_test_d spare-top-folder-symlink-replaced 'find "$C/out" "$C/.out.spare" -type l; cat "$C/log"'
f=$(ls "$C/.out.spare/organismes/"*/index.html | sed -n 3p)
rm "$f"
ln -s "$C/out/${f#"$C/.out.spare/"}" "$f"
touch "$C/site/site.yaml"
cache_same spare-file-symlink
no_links
cache_test_d spare-file-symlink-replaced 'find "$C/out" "$C/.out.spare" -type l; cat "$C/log"'
# The files assembled from pieces are not read back to be hashed
# (publish_close_unread): the index holds them with no digest, and the
# cache trusts them by their identity alone. One edited in place, its size
# and mtime kept (its ctime changed), is rendered again, not put back.
index_now "$C/.out.cache" | grep -q '^[0-9]* 0\{32\} .* data/offres\.csv$'
cache_test_d pieces-files-unread 'index_now "$C/.out.cache" | grep "data/offres.csv"'
f="$C/out/data/offres.csv"
touch -r "$f" "$C/mtime"
sleep 0.05
printf 'X' | dd of="$f" bs=1 seek=300 conv=notrunc 2> /dev/null
touch -r "$C/mtime" "$f"
cache_same pieces-file-edited-mtime-kept
# --no-cache bypasses the fingerprint, and deletes it (it publishes).
"$CARTO" build --no-cache --site "$C/site" --out "$C/out" > "$C/log" 2>&1 &&
	! grep -q "$FAST_LINE" "$C/log" && [ ! -e "$C/.out.cache/fingerprint" ]
cache_test_d no-cache-bypasses-fingerprint 'cat "$C/log"; ls -a "$C/.out.cache"'
cache_same after-no-cache
FAST=1 cache_same after-no-cache-fast

# One organisation's name, which other organisations' fiches show in their
# "Et après ?": its fiche and theirs are rendered again, not the rest.
# The files that list every organisation (open data, LHÉO, data·inclusion)
# are assembled from pieces, one an organisation: only its piece has a new
# key (the others are copied from the previous file).
P="$C/.out.cache/pieces"
piece_lists="data+offres.csv data+offres.geojson data+organismes.json data+suites.csv
	data+suites.json data+lheo+offres.xml data+data-inclusion+structures.json
	data+data-inclusion+services.json"
keys() { for f in $piece_lists; do sed '1d;$d' "$P/$f" | cut -d' ' -f1 | sed "s|^|$f |"; done; }
keys > "$C/keys.before"
# The directory workbook's rows are in pieces too (xlsx_pieces.c), a group
# of organisations a piece in each of its five sheets.
xkeys() { sed '1d;$d' "$P/xlsx+organismes.xlsx" | cut -d' ' -f1; }
xkeys > "$C/xkeys.before"
# A cartography's workbooks have their sheet Offres in pieces too, with
# their links: three parts a piece (rows, <hyperlink> elements,
# relationships), keyed on their rows, first row and first link.
ckeys() {
	for f in "$P"/xlsx+cartographies+*.xlsx; do
		sed '1d;$d' "$f" | cut -d' ' -f1 | sed "s|^|${f##*/} |"
	done
}
ckeys > "$C/ckeys.before"
# org_keys: each organisation page's key and its fiche's.
org_keys() {
	for d in "$C/out/organismes"/*/; do
		n=$(basename "$d")
		echo "$n $(page_key "organismes/$n/index.html") $(page_key "pdf/organismes/$n.pdf")"
	done
}
org_keys > "$C/orgkeys.before"
sed -i 's/^  nom: "Centre social Port et Quartiers"/  nom: "Centre social Port-et-Quartiers"/' \
	"$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
cache_same org-field
r=$(reused)
[ "${r% *}" -gt 30 ] 2> /dev/null && [ "${r#* }" -gt 1 ]
cache_test_d org-field-renders-some 'cat "$C/log"'
# Exactly the organisations whose page shows the name are rendered again
# (page and fiche): itself and those whose "Et après ?" lists one of its
# offers (data/suites.csv); every other organisation's keys are kept.
org_keys > "$C/orgkeys.after"
{
	echo centre-social-port-et-quartiers
	awk -F';' '$7 == "centre-social-port-et-quartiers" { print $1 }' "$C/out/data/suites.csv"
} | sort -u > "$C/orgs.expected"
awk 'NR == FNR { k[$1] = $2 " " $3; next } k[$1] != $2 " " $3 { print $1 }' \
	"$C/orgkeys.before" "$C/orgkeys.after" | sort > "$C/orgs.rendered"
[ "$(wc -l < "$C/orgs.expected")" -gt 1 ] && [ "$(wc -l < "$C/orgkeys.after")" -gt 20 ] &&
	! grep -q ' $' "$C/orgkeys.after" && cmp -s "$C/orgs.expected" "$C/orgs.rendered"
cache_test_d org-field-renders-its-readers 'diff "$C/orgs.expected" "$C/orgs.rendered"; head -3 "$C/orgkeys.after"'
keys > "$C/keys.after"
# The pieces are groups of organisations (cache_piece_ends: a group ends
# after an organisation whose id's FNV-1a hash is a multiple of 16). One
# new key a file, its group's (every file: the key of a group is that of
# each of its organisations); in the suites' two files, one a group of the
# organisation and the readers of its name.
groups() {	# groups IDS...: the groups (first organisation's id) of IDS
	python3 - "$C/out/data/organismes.json" "$@" <<'PY'
import json, sys
ids = [o["id"] for o in json.load(open(sys.argv[1]))["organismes"]]
group, start = {}, True
for i in ids:
    if start:
        g, start = i, False
    group[i] = g
    h = 2166136261
    for c in i.encode():
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    start = h % 16 == 0
print(len({group[a] for a in sys.argv[2:]}), len(set(group.values())))
PY
}
changed=$(diff "$C/keys.before" "$C/keys.after" | grep -c '^>')
set -- $(groups $(cat "$C/orgs.expected"))
readers=$1 n_groups=$2
[ -s "$C/keys.after" ] && [ "$(wc -l < "$C/keys.after")" = "$(wc -l < "$C/keys.before")" ] &&
	[ "$n_groups" -gt 1 ] && [ "$(grep -c '^data+offres.csv ' "$C/keys.after")" = "$n_groups" ] &&
	[ "$(diff "$C/keys.before" "$C/keys.after" | grep '^>' | grep -vc ' data+suites')" = 6 ] &&
	[ "$changed" = $((6 + 2 * readers)) ]
cache_test_d org-field-one-piece 'echo "$readers $n_groups $changed"; diff "$C/keys.before" "$C/keys.after" | head -20'
# In the workbook: one new key a sheet (its group's), the others kept.
xkeys > "$C/xkeys.after"
[ "$(wc -l < "$C/xkeys.after")" -gt 5 ] && [ "$(wc -l < "$C/xkeys.after")" = "$(wc -l < "$C/xkeys.before")" ] &&
	[ "$(diff "$C/xkeys.before" "$C/xkeys.after" | grep -c '^>')" = 5 ]
st=$?; detail="$(diff "$C/xkeys.before" "$C/xkeys.after" | head -20)"; [ "$st" = 0 ]
cache_test xlsx-org-field-one-piece-a-sheet "$detail"
# In each cartography's workbook that lists the organisation, its piece's
# three parts have new keys and the other pieces are kept; the workbooks
# that do not list it are put back whole.
ckeys > "$C/ckeys.after"
holders=0
for f in "$C"/out/xlsx/cartographies/*.xlsx; do
	unzip -p "$f" xl/worksheets/sheet1.xml | grep -q 'Port-et-Quartiers' && holders=$((holders + 1))
done
[ "$holders" -ge 2 ] && [ "$(wc -l < "$C/ckeys.after")" = "$(wc -l < "$C/ckeys.before")" ] &&
	[ "$(wc -l < "$C/ckeys.after")" -gt $((6 * holders)) ] &&
	[ "$(diff "$C/ckeys.before" "$C/ckeys.after" | grep -c '^>')" = $((3 * holders)) ] &&
	[ "$(grep -c '^xlsx+cartographies+linguistique.xlsx ' "$C/ckeys.after")" -gt 6 ] &&
	unzip -p "$C/out/xlsx/cartographies/linguistique.xlsx" xl/worksheets/_rels/sheet1.xml.rels |
	grep -q 'Target="https://[^"]*/organismes/centre-social-port-et-quartiers/"'
st=$?; detail="holders=$holders $(diff "$C/ckeys.before" "$C/ckeys.after" | head -20)"; [ "$st" = 0 ]
cache_test xlsx-carto-links-one-piece "$detail"
# An organisation added among the others shifts the rows after it: the
# pieces after it (their links name rows) are rendered again, those before
# are kept, and the workbooks are the bytes of a clean build; then removed.
# (A copy of an organisation of the Val-d'Oise: its rows come last, after
# the first pieces.)
ckeys > "$C/ckeys.before"
f="$C/site/content/organismes/reseau-paroles-d-oise.yaml"
{ echo 'organismes:'; sed -n '/^  - id: argenteuil-francais-solidaire$/,/^  - id: /p' "$f" | sed '$d' |
	sed 's/^  - id: argenteuil-francais-solidaire$/  - id: argenteuil-francais-solidaire-bis/'; } \
	> "$C/site/content/organismes/zz-bis.yaml"
cache_same xlsx-carto-rows-shifted
ckeys > "$C/ckeys.after"
w=xlsx+cartographies+linguistique.xlsx
kept=$(grep "^$w " "$C/ckeys.after" | grep -cxFf "$C/ckeys.before")
[ "$kept" -ge 3 ] && [ "$kept" -lt "$(grep -c "^$w " "$C/ckeys.before")" ] &&
	[ "$(unzip -p "$C/out/xlsx/cartographies/linguistique.xlsx" xl/worksheets/sheet1.xml |
	grep -o '<hyperlink ' | wc -l)" = "$(unzip -p "$C/out/xlsx/cartographies/linguistique.xlsx" \
	xl/worksheets/_rels/sheet1.xml.rels | grep -o '<Relationship ' | wc -l)" ]
cache_test xlsx-carto-rows-shifted-keeps-before "kept=$kept"

rm "$C/site/content/organismes/zz-bis.yaml"
cache_same xlsx-carto-rows-unshifted

# The pieces kept are put back, not rendered: the column widths recorded
# with the pieces of the sheet Organismes (their meta, the last field of
# their lines) made all 60 show in the next workbook, where one piece
# changed. Then the list is removed: the next build renders every piece
# again, as a clean one.
# edit_list LIST PYTHON: runs the Python statement PYTHON on the fields f
# of each piece's line of the list of pieces LIST, and signs it again.
edit_list() {
	/usr/bin/python3 - "$1" "$2" << 'PY'
import ctypes, sys
class H(ctypes.Structure):
    _fields_ = [("lo", ctypes.c_uint64), ("hi", ctypes.c_uint64)]
xxh = ctypes.CDLL("libxxhash.so.0")
xxh.XXH3_128bits.restype = H
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-2]
for i in range(1, len(lines)):
    f = lines[i].split(" ")
    exec(sys.argv[2])
    lines[i] = " ".join(f)
text = ("\n".join(lines) + "\n").encode()
h = xxh.XXH3_128bits(text, len(text))
open(sys.argv[1], "wb").write(text + b"end %016x%016x\n" % (h.hi, h.lo))
PY
}
xl="$P/xlsx+organismes.xlsx"
# (the pieces of the sheet Organismes, 14 columns: crc.length.rows.links.widths)
edit_list "$xl" 'm = f[-1].split(".")
if len(m) == 5 and len(m[4]) == 14: f[-1] = ".".join(m[:4] + ["l" * 14])'
sed -i 's/^  nom: "Lire en Provinois"/  nom: "Lire au Provinois"/' \
	"$C/site/content/organismes/lire-en-provinois.yaml"
"$CARTO" build --site "$C/site" --out "$C/out" > "$C/log" 2>&1 &&
	/usr/bin/python3 -c '
import re, sys, zipfile
x = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode()
w = re.findall(r"<col [^>]*width=\"([0-9.]+)\"", x)
sys.exit(0 if len(w) == 14 and all(float(v) > 60 for v in w) else 1)' "$C/out/xlsx/organismes.xlsx"
st=$?; detail="$(cat "$C/log")"; [ "$st" = 0 ]
cache_test xlsx-pieces-put-back "$detail"
rm "$xl"
sed -i 's/^  nom: "Lire au Provinois"/  nom: "Lire en Provinois"/' \
	"$C/site/content/organismes/lire-en-provinois.yaml"
cache_same xlsx-pieces-list-removed

# An offer removed, then back: fewer rows in the workbook, then as many.
f="$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
cp "$f" "$C/org.yaml"
sed -i '/^    - id: fle-soir-travailleurs/,/^  meta:/{/^  meta:/!d}' "$f"
cache_same offer-removed
cp "$C/org.yaml" "$f"
cache_same offer-added

# An organisation of a file that holds several: the others' documents keep
# their keys (each organisation's key is its part of the file); a change
# before the first organisation (the file's other keys) changes them all.
f="$C/site/content/organismes/reseau-paroles-d-oise.yaml"
other=organismes/alpha-villiers-le-bel/index.html
mine=organismes/cergy-accueil-langues/index.html
o1=$(page_key $other) m1=$(page_key $mine)
sed -i 's/^    nom: "Cergy Accueil Langues"/    nom: "Cergy, Accueil Langues"/' "$f"
cache_same org-in-shared-file
o2=$(page_key $other) m2=$(page_key $mine)
[ -n "$o1" ] && [ "$o1" = "$o2" ] && [ -n "$m1" ] && [ "$m1" != "$m2" ]
cache_test org-in-shared-file-own-key "$o1 $o2 / $m1 $m2"
sed -i '1s/^/# Une note.\n/' "$f"
cache_same shared-file-header
o3=$(page_key $other)
[ -n "$o3" ] && [ "$o3" != "$o2" ]
cache_test shared-file-header-every-key "$o2 $o3"
# A YAML anchor in one organisation's part, an alias to it in another's:
# the second reads the first's part, so a change to the anchor's value
# must show in both (diff -r against a clean build).
sed -i 's|^\(    site_web: \)"https://cergy-accueil-langues.exemple.org"|\1\&web "https://cergy-accueil-langues.exemple.org"|;
	s|^\(    site_web: \)"https://traitdunion-garges.exemple.org"|\1*web|' "$f"
cache_same shared-file-alias
grep -q 'cergy-accueil-langues.exemple.org' "$C/out/organismes/trait-d-union-garges/index.html"
cache_test shared-file-alias-read
sed -i 's|&web "https://cergy-accueil-langues.exemple.org"|\&web "https://cergy.exemple.org"|' "$f"
cache_same shared-file-alias-changed

# Only the pieces whose key changed are rendered; the others are copied
# from the published file, unread when it is the file their list was
# recorded from (its identity), else read back and checked. The counts
# CARTO_TIMING prints must match the lists: rendered = new keys, copied +
# read back = kept keys, and the open data, LHÉO and data·inclusion files
# (all written by the last build) copied unread.
allkeys() { for f in "$P"/*; do sed '1d;$d' "$f" | cut -d' ' -f1 | sed "s|^|${f##*/} |"; done | sort; }
allkeys > "$C/allkeys.before"
touch "$C/stamp"
sleep 0.02
sed -i 's/^  nom: "Centre social Port-et-Quartiers"/  nom: "Centre social Port et Quartiers"/' \
	"$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
CARTO_TIMING=1 cache_same org-field-pieces
allkeys > "$C/allkeys.after"
rewritten=$(find "$P" -type f -newer "$C/stamp" -printf '%f\n' | sort)
in_rewritten() { awk 'NR == FNR { r[$1] = 1; next } r[$1]' <(echo "$rewritten") -; }
new=$(comm -13 "$C/allkeys.before" "$C/allkeys.after" | in_rewritten | wc -l)
kept=$(comm -12 "$C/allkeys.before" "$C/allkeys.after" | in_rewritten | wc -l)
main_kept=$(comm -12 "$C/allkeys.before" "$C/allkeys.after" | in_rewritten |
	grep -c '^data+\(offres\|organismes\|suites\|lheo+\|data-inclusion+\)')
counts=$(sed -n 's/^carto: pieces rendered=\([0-9]*\) copied=\([0-9]*\) read-back=\([0-9]*\)$/\1 \2 \3/p' "$C/log")
set -- $counts
[ $# = 3 ] && [ "$new" -gt 0 ] && [ "$main_kept" -gt 10 ] && [ "$1" = "$new" ] &&
	[ $(($2 + $3)) = "$kept" ] && [ "$2" -ge "$main_kept" ]
cache_test_d pieces-rendered-copied 'echo "counts: $counts; new $new kept $kept main_kept $main_kept"; echo "$rewritten"'
# The workbooks' pieces kept are runs of the published workbook (the file
# their list was recorded from: its identity), copied when the zip is
# written, not read back and checked first (xlsx_pieces.c): with the
# digests of the directory's pieces changed in its list (signed again), a
# rename renders as many pieces as the same rename without that change
# (read back, they would fail their check and be rendered).
lep="$C/site/content/organismes/lire-en-provinois.yaml"
clea_key=$(page_key xlsx/referentiels/clea.xlsx)
sed -i 's/^  nom: "Lire en Provinois"/  nom: "Lire en Provinois (u)"/' "$lep"
CARTO_TIMING=1 cache_same xlsx-unread-before
r1=$(sed -n 's/^carto: pieces rendered=\([0-9]*\) .*/\1/p' "$C/log")
edit_list "$P/xlsx+organismes.xlsx" 'f[1] = "%032x" % (int(f[1], 16) ^ 1)'
sed -i 's/^  nom: "Lire en Provinois (u)"/  nom: "Lire en Provinois"/' "$lep"
CARTO_TIMING=1 cache_same xlsx-unread-digests-changed
r2=$(sed -n 's/^carto: pieces rendered=\([0-9]*\) .*/\1/p' "$C/log")
[ -n "$r1" ] && [ "$r1" -gt 0 ] && [ "$r1" = "$r2" ]
cache_test_d xlsx-pieces-unread 'echo "rendered $r1 then $r2"'
# A référentiel's workbook reads of the organisations only the number of
# offers of each competence (xlsx.c, key_ref): renames kept it; a
# competence added to an offer renders it again, with its new count.
[ -n "$clea_key" ] && [ "$(page_key xlsx/referentiels/clea.xlsx)" = "$clea_key" ]
cache_test_d xlsx-ref-kept-by-rename 'echo "$clea_key / $(page_key xlsx/referentiels/clea.xlsx)"'
sed -i 's/^\(      competences: \["clea:1.3", "clea:1.4", "clea:2.1", "clea:2.3", "clea:3.1", "clea:3.3"\)\]/\1, "clea:1.1"]/' "$lep"
grep -q '"clea:3.3", "clea:1.1"\]' "$lep"
cache_test xlsx-ref-competence-added-edit
cache_same xlsx-ref-competence-added
sed -i 's/, "clea:1.1"\]/]/' "$lep"
cache_same xlsx-ref-competence-removed

# A list of pieces corrupted (a changed offset), another replaced by the
# list of another file: each is not trusted, the files are right.
l="$P/data+organismes.json"
sed -i '3s/^\([0-9a-f]* [0-9a-f]* \)[0-9]*/\11/' "$l"
cp "$P/data+offres.csv" "$P/data+offres.geojson"
sed -i 's/^  nom: "Centre social Port et Quartiers"/  nom: "Centre social Port-et-Quartiers"/' \
	"$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
cache_same pieces-list-corrupt

# A published extract changed by hand in a piece whose key is kept (the
# last one), same length, in place: the file is not the one the list was
# recorded from (its identity changed), so its pieces are read back and
# checked, and that one is rendered again.
f="$C/out/data/offres.csv"
printf 'X' | dd of="$f" bs=1 seek=$(($(stat -c %s "$f") - 100)) conv=notrunc 2> /dev/null
sed -i 's/^  nom: "Centre social Port-et-Quartiers"/  nom: "Centre social Port et Quartiers"/' \
	"$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
cache_same extract-edited

# The whole first group of organisations removed: the piece that becomes
# first held a leading comma (JSON), which goes; back, it needs one again.
mkdir -p "$C/group"
first_group=$(python3 - "$C/out/data/organismes.json" <<'PY'
import json, sys
for o in json.load(open(sys.argv[1]))["organismes"]:
    print(o["id"])
    h = 2166136261
    for c in o["id"].encode():
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    if h % 16 == 0:
        break
PY
)
for id in $first_group; do mv "$C/site/content/organismes/$id.yaml" "$C/group/"; done
cache_same first-group-removed
[ "$(ls "$C/group" | wc -l)" -gt 1 ] && ! grep -q "\"id\":\"${first_group%%$'\n'*}\"" "$C/out/data/organismes.json"
cache_test_d first-group-gone 'echo "$first_group"'
mv "$C/group"/*.yaml "$C/site/content/organismes/"
sed -i 's/^  nom: "Centre social Port et Quartiers"/  nom: "Centre social Port-et-Quartiers"/' \
	"$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
cache_same first-group-added

# A published piece changed by hand (same length) is rendered again: the
# pieces are checked against their digests.
f="$C/out/data/offres.csv"
printf 'X' | dd of="$f" bs=1 seek=2000 conv=notrunc 2> /dev/null
sed -i 's/^  nom: "Centre social Port-et-Quartiers"/  nom: "Centre social Port et Quartiers"/' \
	"$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
cache_same piece-edited

# The files in pieces are written over the spare's copy (the file of the
# build before the previous one: sink.h) when the list of its pieces kept
# in the cache's prev/ still describes it: the bytes already at their
# offset are left as they are (CARTO_TIMING: pieces bytes written= and
# in-place=), and the file keeps the spare copy's inode. The name made
# longer, then shorter (the copy is cut), then of the same length; each time
# the bytes of a clean build.
S="$C/.out.spare"
cgy="$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
rename_org() { sed -i "0,/^  nom: /s/^  nom: \".*\"\$/  nom: \"$1\"/" "$cgy"; }
bytes() { sed -n 's/^carto: pieces bytes written=\([0-9]*\) in-place=\([0-9]*\)$/\1 \2/p' "$C/log"; }
# A build that renames an organisation, seen by strace: the first byte of
# a piece copied unread (whose comma a JSON array needs) comes from its
# list, not from a read of one byte a piece; and no file is renamed over
# another of the cache's folder or over a staged file (ext4 writes a file
# renamed over another out at once, in the build: fs_replace exchanges
# them instead).
if can_strace "cache/pieces-no-byte-reads"; then
	rename_org "Centre social Port-et-Quartiers (strace)"
	CARTO_TIMING=1 strace -f -qq -o "$C/strace" -e trace=pread64,rename,renameat2 \
		"$CARTO" build --site "$C/site" --out "$C/out" > "$C/log" 2>&1
	# (a run of rendered bytes of one byte, "[", is still compared with
	# the spare's copy: a few such reads a build, not one a piece)
	copied=$(sed -n 's/^carto: pieces rendered=[0-9]* copied=\([0-9]*\) .*/\1/p' "$C/log")
	ones=$(grep 'pread64' "$C/strace" | grep -cE ', 1, [0-9]+\) *= 1$')
	[ "${copied:-0}" -ge 40 ] && [ "$ones" -lt $((copied / 10)) ]
	cache_test_d pieces-no-byte-reads 'echo "copied ${copied:-?}, reads of one byte $ones"'
	# (the index, lists, notes, load snapshot, its identities and the suites
	# memo are there, and a staged extract when the
	# spare's copy was written in place: renamed over the staged file; a
	# plain rename is right where the name is missing, after an exchange
	# that said so)
	export OVER='\.out\.cache/(index|folders|load|suites|pieces/|prev/|notes/)[^"]*"\)|/data/[^"]*\.carto-new"\)'
	bad=$(awk '{ pid = $1 } /renameat2\(.*RENAME_EXCHANGE\) *= -1 ENOENT/ { enoent[pid] = 1; next }
		/rename\(/ && $0 ~ ENVIRON["OVER"] && !enoent[pid] { bad++ } { enoent[pid] = 0 }
		END { print bad + 0 }' "$C/strace")
	[ "$bad" = 0 ] && [ "$(grep -cE '\.out\.cache/(index|prev/)[^"]*", RENAME_EXCHANGE\) *= 0' "$C/strace")" -ge 3 ]
	cache_test_d no-rename-over 'echo "$bad renamed over"; grep -E "rename\(" "$C/strace" | grep -E "$OVER" | head -5'
	rename_org "Centre social Port-et-Quartiers (strace, after)"
	cache_same pieces-no-byte-reads-after
fi
rename_org "Centre social Port-et-Quartiers"
cache_same spare-before
for nom in "Centre social Port-et-Quartiers de Cergy" "Centre social Port" "Centre social Porte"; do
	inos=$(for f in offres.csv offres.geojson organismes.json suites.csv suites.json; do
		stat -c %i "$S/data/$f"; done)
	rename_org "$nom"
	CARTO_TIMING=1 cache_same "extract-in-place-${#nom}"
	now=$(for f in offres.csv offres.geojson organismes.json suites.csv suites.json; do
		stat -c %i "$C/out/data/$f"; done)
	set -- $(bytes)
	[ $# = 2 ] && [ "$2" -gt 0 ] && [ "$1" -gt 0 ] && [ "$inos" = "$now" ]
	cache_test_d "extract-in-place-${#nom}-kept" 'echo "bytes $(bytes); inodes" $inos / $now'
done
# The spare's copy changed by hand (the same length, a byte of the last
# piece, which stays at its offset: the name has the length of the one in
# the spare's copy, two builds ago): it is no longer the file its list
# describes (its identity changed), so none of it is trusted.
f="$S/data/offres.csv"
printf 'X' | dd of="$f" bs=1 seek=$(($(stat -c %s "$f") - 100)) conv=notrunc 2> /dev/null
rename_org "Centre social Pont"
cache_same spare-copy-edited
# Another name for the spare's copy (a hard link): it is not written in
# place (the other name keeps its bytes), and the output is right.
ln "$S/data/organismes.json" "$C/organismes.link"
sum=$(cksum < "$C/organismes.link")
rename_org "Centre social Port"
cache_same spare-copy-linked
[ "$(cksum < "$C/organismes.link")" = "$sum" ]
cache_test spare-copy-linked-kept
rm -f "$C/organismes.link"
# The list of the spare's copy removed, then garbled: the file is written
# as a new one (nothing in place), the same bytes.
rm "$C/.out.cache/prev/data+offres.csv"
rename_org "Centre social Porte"
cache_same spare-list-removed
sed -i '3s/^\([0-9a-f]* [0-9a-f]* \)[0-9]*/\17/' "$C/.out.cache/prev/data+suites.csv"
rename_org "Centre social Port"
cache_same spare-list-corrupt
rename_org "Centre social Port et Quartiers"
cache_same spare-restored
# A byte of the published workbook changed by hand, its mtime kept: its
# pieces are read back and checked against their digests (xlsx_pieces.c),
# the one changed rendered again, never copied stale.
rename_org "Centre social Porte"
cache_same xlsx-before-edit
f="$C/out/xlsx/organismes.xlsx"
touch -r "$f" "$C/mtime"
sleep 0.05
printf 'X' | dd of="$f" bs=1 seek=$(($(stat -c %s "$f") / 2)) conv=notrunc 2> /dev/null
touch -r "$C/mtime" "$f"
rename_org "Centre social Port et Quartiers"
cache_same xlsx-published-edited
# A file that comes out the same as the published one (its document
# rendered again, not a byte of it changed: a comment added to the
# organisation's file), without the spare's lists: nothing is written, the
# published file is staged as a link to it (its inode stays).
rm -r "$C/.out.cache/prev"
ino=$(stat -c %i "$C/out/data/offres.csv")
echo "# Un commentaire." >> "$cgy"
CARTO_TIMING=1 cache_same published-kept
set -- $(bytes)
[ $# = 2 ] && [ "$1" = 0 ] && [ "$2" -gt 0 ] && [ "$(stat -c %i "$C/out/data/offres.csv")" = "$ino" ]
cache_test_d published-kept-linked 'echo "bytes $(bytes); inode $ino"; ls -i "$C/out/data/offres.csv"'
sed -i '$d' "$cgy"
# A build killed once it has rendered (it pauses before publishing:
# CARTO_TEST_PAUSE), its extracts written over the spare's copies: the
# published site is unchanged (every file's bytes, inode and mtime), and
# the next build, which finds those copies changed (no longer the files
# their lists describe), gives a clean build's bytes.
cache_same before-kill
rename_org "Centre social Portes"
cache_same before-kill-spare
rename_org "Centre social Pont"
tree() { (cd "$C/out" && find . -type f -printf '%p %s %i %T@\n' | sort && cat data/*.csv data/*.json | cksum); }
snap=$(tree)
CARTO_TIMING=1 CARTO_TEST_PAUSE=30 "$CARTO" build --site "$C/site" --out "$C/out" > /dev/null 2> "$C/killed.err" &
pid=$!
for _ in $(seq 300); do grep -q '^carto: html ' "$C/killed.err" && break; sleep 0.1; done
grep -q '^carto: html ' "$C/killed.err"
rendered=$?
kill -9 $pid
wait $pid 2> /dev/null
[ $rendered = 0 ] && [ "$snap" = "$(tree)" ]
cache_test_d killed-in-place-keeps-output 'echo "rendered $rendered"; cat "$C/killed.err" | head -5'
rename_org "Centre social Porte"
cache_same killed-in-place-next-build

# An organisation removed, then added back: the lists, their commas and
# the numbers computed over all organisations follow.
mv "$C/site/content/organismes/lire-en-provinois.yaml" "$C/removed.yaml"
cache_same org-removed
mv "$C/removed.yaml" "$C/site/content/organismes/lire-en-provinois.yaml"
cache_same org-added
# The first organisation of the lists removed, then back: the comma of
# the piece that becomes first goes, then comes back.
first=$(ls "$C/site/content/organismes" | head -1)
mv "$C/site/content/organismes/$first" "$C/removed.yaml"
cache_same first-org-removed
mv "$C/removed.yaml" "$C/site/content/organismes/$first"
cache_same first-org-added

# A commune's page is keyed on its rows and the rows around it ("Près
# de…", 10 km): an organisation of Provins, far from Aubervilliers,
# changed: Aubervilliers's page keeps its key (it is reused); one of
# Saint-Denis, next to it, changed: its page has a new key.
aub=cartographies/linguistique/communes/93001/index.html
pro=cartographies/linguistique/communes/77379/index.html
k1=$(page_key $aub) p1=$(page_key $pro)
sed -i 's/^  nom: "Lire en Provinois"/  nom: "Lire au Provinois"/' \
	"$C/site/content/organismes/lire-en-provinois.yaml"
cache_same org-far
k2=$(page_key $aub) p2=$(page_key $pro)
[ -n "$k1" ] && [ "$k1" = "$k2" ] && [ -n "$p1" ] && [ "$p1" != "$p2" ]
cache_test commune-page-far-reused "$k1 $k2 / $p1 $p2"
grep -q 'Femmes Passerelles' "$C/out/$aub"
cache_test commune-page-lists-neighbour
sed -i 's/^  nom: "Femmes Passerelles Saint-Denis"/  nom: "Femmes-Passerelles Saint-Denis"/' \
	"$C/site/content/organismes/femmes-passerelles-saint-denis.yaml"
cache_same org-near
k3=$(page_key $aub)
[ -n "$k3" ] && [ "$k2" != "$k3" ] && grep -q 'Femmes-Passerelles Saint-Denis' "$C/out/$aub"
cache_test commune-page-near-rendered "$k2 $k3"

# Only the rows in the box around a commune's centre that holds every offer
# "Près de…" may list (html_carto.c, near_box) are read by its page: an
# organisation of Nanterre (2.2087° E, outside Aubervilliers's box, which
# starts at 2.216° E, though in the grid's cells around it) renamed:
# Aubervilliers's page keeps its key; Nanterre's has a new one.
nan=cartographies/linguistique/communes/92050/index.html
k4=$(page_key $aub) n1=$(page_key $nan)
sed -i 's/^  nom: "Accueil et Langues Nanterre"/  nom: "Accueil \& Langues Nanterre"/' \
	"$C/site/content/organismes/accueil-et-langues-nanterre.yaml"
cache_same org-outside-box
k5=$(page_key $aub) n2=$(page_key $nan)
[ -n "$k4" ] && [ "$k4" = "$k5" ] && [ -n "$n1" ] && [ "$n1" != "$n2" ]
cache_test commune-page-outside-box-reused "$k4 $k5 / $n1 $n2"
# "Près de…" lists the 30 nearest offers (html_carto.c, NEAR_MAX), and a
# commune's page is keyed on those: with copies of an organisation of
# Saint-Denis, next to Aubervilliers, its list is full, and Les Amis de
# l'écrit (Sarcelles, 8.8 km, in its box but past the 30th) renamed:
# Aubervilliers's page keeps its key and does not show the name;
# Sarcelles's has a new one. Then the copies are removed.
for i in $(seq 1 16); do
	sed "s/^  id: femmes-passerelles-saint-denis$/  id: femmes-passerelles-copie-$i/" \
		"$C/site/content/organismes/femmes-passerelles-saint-denis.yaml" \
		> "$C/site/content/organismes/femmes-passerelles-copie-$i.yaml"
done
cache_same near-list-full
sar=cartographies/linguistique/communes/95585/index.html
k6=$(page_key $aub) s1=$(page_key $sar)
sed -i "s/^    nom: \"Les Amis de l'écrit\"/    nom: \"Les Amis de l'Écrit\"/" \
	"$C/site/content/organismes/reseau-paroles-d-oise.yaml"
cache_same near-list-full-far-renamed
k7=$(page_key $aub) s2=$(page_key $sar)
[ "$(grep -c 'class="distance"' "$C/out/$aub")" = 30 ] && [ -n "$k6" ] && [ "$k6" = "$k7" ] &&
	[ -n "$s1" ] && [ "$s1" != "$s2" ] && ! grep -q "Amis de l&#39;Écrit" "$C/out/$aub" &&
	grep -q "Amis de l&#39;Écrit" "$C/out/$sar"
st=$?; detail="$k6 $k7 / $s1 $s2 $(grep -c 'class="distance"' "$C/out/$aub")"; [ "$st" = 0 ]
cache_test commune-page-past-nearest-reused "$detail"
rm "$C/site/content/organismes"/femmes-passerelles-copie-*.yaml
cache_same near-list-copies-removed
# The lists of "Près de…" the keys read are kept in a note of the cache
# (html_carto.c: html-near/<the cartography's page>), keyed on the places
# of the cartography's rows in order (coordinates, départements, communes):
# an organisation renamed finds none again (CARTO_TIMING: near-lists 0 of
# N); a lieu moved, the cartography's again; the note damaged, truncated,
# removed or another cartography's, the cartography's again, each time the
# bytes of a clean build. (The counts are the site's: the other
# cartography's note holds.)
near_note="$C/.out.cache/notes/html-near+cartographies+linguistique+index.html"
# near_found AGAIN: the last build found AGAIN (0, or some: at least one)
# of more than one list of "Près de…".
near_found() {
	sed -n 's/^carto: near-lists \([0-9]*\) of \([0-9]*\) found again$/\1 \2/p' "$C/log" |
		awk -v a="$1" '$2 > 1 && ((a == "some" && $1 > 0) || $1 == a) { n++ } END { exit !n }'
}
fpsd="$C/site/content/organismes/femmes-passerelles-saint-denis.yaml"
cp "$fpsd" "$C/fpsd.before"
sed -i 's/^  nom: "Femmes-Passerelles Saint-Denis"/  nom: "Femmes-Passerelles de Saint-Denis"/' "$fpsd"
CARTO_TIMING=1 cache_same near-note-org-renamed
near_found 0 && [ -s "$near_note" ]
cache_test_d near-note-org-renamed-none-again 'grep near-lists "$C/log"; ls -l "$near_note"'
# A département's base map is drawn when a page first asks for it
# (svgmap_dep): the pages this rename renders ask for some of the
# territory's maps, not all (CARTO_TIMING: html-maps N of M); the bytes are
# a clean build's (cache_same above).
sed -n 's/^carto: html-maps \([0-9]*\) of \([0-9]*\) drawn$/\1 \2/p' "$C/log" |
	awk '$2 > 1 && $1 > 0 && $1 < $2 { n++ } END { exit !n }'
cache_test_d maps-drawn-when-asked 'grep html-maps "$C/log"'
# What the cartographies' pages print of each row is kept from one build to
# the next (html_carto.c, html-printed/, by the row's digest): the rename
# reads again the rows of the organisation renamed, not the others
# (CARTO_TIMING: html-printed N of M rows from the note). A facet changed
# reads its rows again (the large site's tests below: the page and the
# data get new keys).
sed -n 's/^carto: html-printed \([0-9]*\) of \([0-9]*\) rows from the note$/\1 \2/p' "$C/log" |
	awk '$1 > 0 && $1 < $2 { n++ } END { exit !n }'
cache_test_d printed-rows-from-note 'grep html-printed "$C/log"'
# A lieu of Provins moved next to Aubervilliers's centre, its commune kept:
# Aubervilliers's rows are the same, but its list is not (a note kept on
# the rows alone would keep the page).
cp "$near_note" "$C/near.before"
lpf="$C/site/content/organismes/lire-en-provinois.yaml"
cp "$lpf" "$C/lpf.before"
sed -i 's/geo: { lat: 48.5615, lon: 3.2859 }/geo: { lat: 48.9125, lon: 2.3846 }/' "$lpf"
CARTO_TIMING=1 cache_same near-note-lieu-moved
grep -q 'lat: 48.9125' "$lpf" && near_found some && ! cmp -s "$near_note" "$C/near.before" &&
	grep -q 'Lire au Provinois' "$C/out/$aub"
cache_test_d near-note-lieu-moved-found-again 'grep near-lists "$C/log"; grep -c "Lire au Provinois" "$C/out/$aub"'
cp "$C/lpf.before" "$lpf"
cache_same near-note-lieu-back
n=0
for damage in 'printf damaged > "$near_note"' 'truncate -s $(($(stat -c %s "$near_note") - 3)) "$near_note"' \
    'rm "$near_note"' 'cp "${near_note%linguistique+index.html}savoirs-de-base+index.html" "$near_note"'; do
	n=$((n + 1))
	eval "$damage"
	sed -i "s/^\(  nom: \"Femmes-Passerelles de Saint-Denis\)[0-9]*\"$/\1$n\"/" "$fpsd"
	CARTO_TIMING=1 cache_same "near-note-$n"
	near_found some && [ -s "$near_note" ]
	cache_test_d "near-note-$n-found-again" 'grep near-lists "$C/log"; ls -l "$near_note"'
done
cp "$C/fpsd.before" "$fpsd"
cache_same near-note-restored

# The parcours page is keyed on what it prints (html_parcours_key), its
# pieces on their département's rows. Lire et Dire à Aubervilliers, whose
# offers take no level (their entry is their target), renamed: the
# cartography's page, whose map names it, and the piece of 93 have new
# keys; the parcours page and the other pieces keep theirs.
lpar=cartographies/linguistique/parcours/index.html
l93=cartographies/linguistique/parcours/donnees/93.js
l75=cartographies/linguistique/parcours/donnees/75.js
lcar=cartographies/linguistique/index.html
lid="$C/site/content/organismes/lire-et-dire-aubervilliers.yaml"
a1=$(page_key $lpar) b1=$(page_key $l93) c1=$(page_key $l75) d1=$(page_key $lcar)
sed -i 's/^  nom: "Lire et Dire à Aubervilliers"/  nom: "Lire \& Dire à Aubervilliers"/' "$lid"
cache_same parcours-unlisted-org
a2=$(page_key $lpar) b2=$(page_key $l93) c2=$(page_key $l75) d2=$(page_key $lcar)
[ -n "$a1" ] && [ "$a1" = "$a2" ] && [ -n "$c1" ] && [ "$c1" = "$c2" ] && [ -n "$b1" ] &&
	[ "$b1" != "$b2" ] && [ -n "$d1" ] && [ "$d1" != "$d2" ] &&
	grep -q 'Lire &amp; Dire' "$C/out/$lcar" && ! grep -q 'Lire &amp; Dire' "$C/out/$lpar"
cache_test parcours-page-unlisted-reused "$a1 $a2 / $b1 $b2 / $c1 $c2 / $d1 $d2"
# Its first offer now aims higher, so it is at a level, but its session
# is closed: the page counts it among the offers it does not list (their
# number is printed), and is rendered again (the same bytes as a clean
# build); then its session opens: the page lists it.
sed -i '0,/^        vise: "A1.1"/s//        vise: "A2"/; 0,/etat_recrutement: ouvert/s//etat_recrutement: ferme/' "$lid"
cache_same parcours-step-closed
a3=$(page_key $lpar)
[ -n "$a3" ] && [ "$a3" != "$a2" ] && ! grep -q 'Lire &amp; Dire' "$C/out/$lpar"
cache_test parcours-page-count-rendered "$a2 $a3"
sed -i '0,/etat_recrutement: ferme/s//etat_recrutement: ouvert/' "$lid"
cache_same parcours-step-open
a4=$(page_key $lpar)
[ -n "$a4" ] && [ "$a4" != "$a3" ] && grep -q 'Lire &amp; Dire' "$C/out/$lpar"
cache_test parcours-page-step-rendered "$a3 $a4"
# A listed organisation renamed: the page shows the new name.
sed -i 's/^  nom: "Langues et Cultures en partage"/  nom: "Langues \& Cultures en partage"/' \
	"$C/site/content/organismes/langues-et-cultures-pantin.yaml"
cache_same parcours-listed-org
grep -q 'Langues &amp; Cultures en partage' "$C/out/$lpar"
cache_test parcours-page-listed-rendered

# A CléA offer that recruits (the parcours lists no other), which only the
# savoirs de base select: the parcours page of the linguistic cartography
# ends with it too (html_parcours.c), so it is rendered again.
sed -i 's/intitule: "CléA – socle de compétences professionnelles"/intitule: "CléA – le socle de compétences professionnelles"/' \
	"$C/site/content/organismes/cap-competences-yvelines.yaml"
cache_same clea-offer
grep -q 'CléA – le socle de compétences' "$C/out/cartographies/linguistique/parcours/index.html"
cache_test clea-offer-in-other-parcours

# The search index (recherche/, one document) is keyed on what it indexes
# (html_search_key): an organisation's telephone changed (not indexed):
# the index keeps its key (it is put back, not rendered); its name changed
# with a new word: the index has a new key and the word, as a clean build.
rix=recherche/index.js
nanf="$C/site/content/organismes/accueil-et-langues-nanterre.yaml"
r1=$(page_key $rix)
sed -i 's/telephone: "01 47 21 66 08"/telephone: "01 47 21 66 09"/' "$nanf"
cache_same search-not-indexed
r2=$(page_key $rix)
[ -n "$r1" ] && [ "$r1" = "$r2" ] && ! grep -rq 'zephyrin' "$C/out/recherche"
cache_test search-index-reused "$r1 $r2"
sed -i 's/^  nom: "Accueil \& Langues Nanterre"/  nom: "Accueil \& Langues Nanterre Zéphyrin"/' "$nanf"
cache_same search-indexed
r3=$(page_key $rix)
[ -n "$r3" ] && [ "$r3" != "$r2" ] && grep -rq 'zephyrin' "$C/out/recherche/d"
cache_test search-index-rendered "$r2 $r3"
# The key reads a group of organisations' documents again only when the
# group's own key is not in its note (html_search.c: a pair a group);
# damaged, the note reads as none, and the key is the same.
sn="$C/.out.cache/notes/html-search-keys+recherche+index.js"
[ "$(($(stat -c %s "$sn") > 64))" = 1 ]
cache_test_d search-group-note 'ls -l "$C/.out.cache/notes"'
printf 'damaged' > "$sn"
touch "$C/site/site.yaml"
cache_same search-group-note-damaged
[ "$(page_key $rix)" = "$r3" ] && [ "$(($(stat -c %s "$sn") > 64))" = 1 ]
cache_test_d search-group-note-damaged-same-key 'page_key $rix; ls -l "$sn"'
# The index itself is built from a part a group (html_search.c: its
# documents' lines and postings, in a note keyed on the group's key): an
# organisation renamed indexes its group again and takes the others' parts
# from the note (CARTO_TIMING: search-groups 1 of N); an organisation added
# or removed, the groups whose bounds moved; the note damaged, truncated or
# removed, every group, each time the bytes of a clean build.
pn="$C/.out.cache/notes/html-search-parts+recherche+index.js"
# search_groups AGAIN: the last build indexed AGAIN groups (all: every one;
# some: at least one, not all) of more than one.
search_groups() {
	sed -n 's/^carto: search-groups \([0-9]*\) of \([0-9]*\) indexed again$/\1 \2/p' "$C/log" |
		awk -v a="$1" '$2 > 1 && ((a == "all" && $1 == $2) || (a == "some" && $1 > 0 && $1 < $2) ||
		    $1 == a) { ok = 1 } END { exit !ok }'
}
sed -i 's/^  nom: "Accueil \& Langues Nanterre Zéphyrin"/  nom: "Accueil \& Langues Nanterre Zéphyrine"/' "$nanf"
CARTO_TIMING=1 cache_same search-part-renamed
search_groups 1 && grep -rq 'zephyrine' "$C/out/recherche/d" && [ -s "$pn" ]
cache_test_d search-part-renamed-one-group 'grep search-groups "$C/log"; ls -l "$pn"'
cp "$nanf" "$C/site/content/organismes/zz-search-copy.yaml"
sed -i 's/^  id: accueil-et-langues-nanterre$/  id: zz-search-copy/; s/^  nom: "Accueil \& Langues Nanterre Zéphyrine"/  nom: "Copie Zéphyrine"/' \
	"$C/site/content/organismes/zz-search-copy.yaml"
CARTO_TIMING=1 cache_same search-part-org-added
grep -q 'Copie Zéphyrine' "$C/out/recherche/docs/"*.js && search_groups some
cache_test_d search-part-org-added-not-all 'grep search-groups "$C/log"'
rm "$C/site/content/organismes/zz-search-copy.yaml"
CARTO_TIMING=1 cache_same search-part-org-removed
! grep -q 'Copie Zéphyrine' "$C/out/recherche/docs/"*.js && search_groups some
cache_test_d search-part-org-removed-not-all 'grep search-groups "$C/log"'
n=0
for damage in 'printf damaged > "$pn"' 'truncate -s $(($(stat -c %s "$pn") / 2)) "$pn"' 'rm "$pn"'; do
	n=$((n + 1))
	eval "$damage"
	sed -i "s/^\(  nom: \".*Zéphyrine\)[0-9]*\"$/\1$n\"/" "$nanf"
	CARTO_TIMING=1 cache_same "search-part-note-$n"
	search_groups all && grep -rq "zephyrine$n" "$C/out/recherche/d" && [ -s "$pn" ]
	cache_test_d "search-part-note-$n-all-again" 'grep search-groups "$C/log"; ls -l "$pn"'
done

# A département's directory page (annuaire/<dep>/) is keyed on its
# communes and their organisations in order (html.c's dep_key), not on the
# whole site. Each change against a clean build (cache_same), and which
# pages got a new key: an organisation of Grigny renamed, the 91's only;
# its lieu moved to Provins, the 91's and the 77's; an offer of it removed
# (the page counts them), the 77's; the newest data's date changed in an
# organisation of another département, every page (their footer shows it).
dep_keys() {
	for d in "$C/out/annuaire"/*/; do
		n=$(basename "$d")
		echo "$n $(page_key "annuaire/$n/index.html")"
	done
}
# new_deps BEFORE AFTER: the départements whose page's key changed.
new_deps() { awk 'NR == FNR { k[$1] = $2; next } k[$1] != $2 { printf "%s ", $1 }' "$1" "$2"; }
gf="$C/site/content/organismes/grigny-alpha-solidaire.yaml"
dep_keys > "$C/depkeys.0"
sed -i 's/^  nom: "Grigny Alpha Solidaire"/  nom: "Grigny Alpha Solidaire Essonne"/' "$gf"
cache_same dep-page-org-renamed
dep_keys > "$C/depkeys.1"
[ "$(new_deps "$C/depkeys.0" "$C/depkeys.1")" = "91 " ] && [ "$(wc -l < "$C/depkeys.1")" -gt 5 ] &&
	! grep -q ' $' "$C/depkeys.1" && grep -q 'Grigny Alpha Solidaire Essonne' "$C/out/annuaire/91/index.html"
cache_test_d dep-page-org-renamed-its-page 'new_deps "$C/depkeys.0" "$C/depkeys.1"; cat "$C/depkeys.1"'
sed -i 's/code_postal: "91350"/code_postal: "77160"/; s/commune: "Grigny"/commune: "Provins"/;
	s/code_insee: "91286"/code_insee: "77379"/; s/geo: { lat: 48.6557, lon: 2.3896 }/geo: { lat: 48.5615, lon: 3.2859 }/' "$gf"
cache_same dep-page-org-moved
dep_keys > "$C/depkeys.2"
[ "$(new_deps "$C/depkeys.1" "$C/depkeys.2")" = "77 91 " ] &&
	grep -q 'Grigny Alpha Solidaire Essonne' "$C/out/annuaire/77/index.html" &&
	! grep -q 'Grigny Alpha Solidaire' "$C/out/annuaire/91/index.html"
cache_test_d dep-page-org-moved-both-pages 'new_deps "$C/depkeys.1" "$C/depkeys.2"'
awk '/^    - id: alpha-post-alpha-grigny/ { skip = 1 } /^  meta:/ { skip = 0 } !skip' "$gf" > "$gf.new" &&
	mv "$gf.new" "$gf"
cache_same dep-page-offer-removed
dep_keys > "$C/depkeys.3"
[ "$(new_deps "$C/depkeys.2" "$C/depkeys.3")" = "77 " ]
cache_test_d dep-page-offer-removed-its-page 'new_deps "$C/depkeys.2" "$C/depkeys.3"'
sed -i 's/^    mise_a_jour: 2026-10-19/    mise_a_jour: 2026-11-30/' "$gf"
cache_same dep-page-newest-date
dep_keys > "$C/depkeys.4"
[ "$(new_deps "$C/depkeys.3" "$C/depkeys.4" | wc -w)" = "$(wc -l < "$C/depkeys.4")" ] &&
	grep -q 'mises à jour le 30 novembre 2026' "$C/out/annuaire/95/index.html"
cache_test_d dep-page-newest-date-every-page 'new_deps "$C/depkeys.3" "$C/depkeys.4"'

# The same size, the same mtime (set back): only the change time tells.
f="$C/site/content/organismes/lire-en-provinois.yaml"
FAST=1 cache_same before-same-size
touch -r "$f" "$C/mtime"
ino=$(stat -c '%i %s' "$f")
off=$(grep -bo 'nom: "Lire au Provinois"' "$f" | head -1 | cut -d: -f1)
printf 'nom: "Lire du' | dd of="$f" bs=1 seek="$off" conv=notrunc 2> /dev/null
touch -d "$(stat -c %y "$C/mtime")" "$f"
[ "$(stat -c '%i %s %y' "$f")" = "$ino $(stat -c %y "$C/mtime")" ] && grep -q 'Lire du Provinois' "$f"
cache_test_d org-same-size-mtime-restored 'stat -c '\''%i %s %y'\'' "$f" "$C/mtime"'
cache_same org-same-size-mtime-kept
grep -q 'Lire du Provinois' "$C/out/organismes/lire-en-provinois/index.html"
cache_test org-same-size-mtime-kept-shown
# A file renamed (its folder's identity changes), then a new one.
mv "$f" "$C/site/content/organismes/zz-lire-en-provinois.yaml"
cache_same org-renamed
# The référentiels' files list each competence's offers by organisation
# and offer id (opendata.c, refs_key: the offers told by their numbers, the
# ids hashed once): an offer's id changed, then a competence taken from an
# offer; each shows in data/referentiels/clea.json as in a clean build.
f="$C/site/content/organismes/accueil-et-langues-nanterre.yaml"
sed -i 's/^    - id: alpha-fle-apres-midi$/    - id: alpha-fle-apres-midi-bis/' "$f"
cache_same refs-offer-id
grep -q 'alpha-fle-apres-midi-bis' "$C/out/data/referentiels/clea.json"
cache_test refs-offer-id-listed
sed -i '0,/competences: \["clea:1.1", "clea:1.2", /s//competences: ["clea:1.1", /' "$f"
cache_same refs-competence-removed
printf '# Une note.\n' > "$C/site/content/pages/zz-notes.txt"
cache_same file-added-not-read
rm "$C/site/content/pages/zz-notes.txt"
cache_same file-removed-not-read
FAST=1 cache_same file-removed-not-read-fast

# Warnings are replayed as they were printed, with the same exit status.
printf 'organisme: {}\n' > "$C/site/content/organismes/ancien.yml"
cache_same warning
cp "$C/log" "$C/log.warned"
grep -q 'ancien.yml: warning: ignored' "$C/log"
cache_test_d warning-printed 'cat "$C/log"'
FAST=1 cache_same warning-replayed
"$CARTO" build --site "$C/site" --out "$C/out" > "$C/out.stdout" 2> "$C/out.stderr"
st=$?
[ "$st" = 0 ] && [ "$(cat "$C/out.stderr")" = "$(grep 'warning:' "$C/log.warned")" ] &&
	grep -q "$FAST_LINE" "$C/out.stdout" &&
	[ "$(grep -v "$FAST_LINE" "$C/out.stdout")" = "$(grep '^carto: published' "$C/log.warned")" ]
cache_test_d warning-replayed-exactly 'echo "status $st"; cat "$C/out.stderr" "$C/out.stdout"'
rm "$C/site/content/organismes/ancien.yml"
cache_same warning-gone

# Each other kind of input.
printf '\nUne phrase de plus.\n' >> "$C/site/content/pages/presenter-la-cartographie.md"
cache_same page-markdown
sed -i 's/<main/<main data-test="1"/' "$C/site/themes/default/templates/"*.mustache
cache_same template
printf '\n' >> "$C/site/themes/default/partials/breadcrumbs.mustache"
cache_same partial
printf '\n/* test */\n' >> "$C/site/themes/default/assets/style.css"
cache_same theme-asset
sed -i 's/titre: "La communication en français"/titre: "La communication écrite et orale en français"/' \
	"$C/site/referentiels/clea.yaml"
cache_same referentiel
sed -i 's/^92036,Gennevilliers,/92036,Gennevilliers-Ville,/' "$C/site/referentiels/geo/communes.csv"
cache_same geodata
sed -i 's/^titre: "Cartographies franciliennes de la formation"/titre: "Cartographies d’Île-de-France"/' \
	"$C/site/site.yaml"
cache_same site-yaml
cache_same option-base-url --base-url https://ailleurs.exemple.org/carto/
cache_same option-base-url-back
cache_same option-drafts --drafts
FAST=1 cache_same option-drafts-again --drafts
cache_same option-drafts-off
date_was=$SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH=1810000000
cache_same date
SOURCE_DATE_EPOCH=$date_was
cache_same date-back
FAST=1 cache_same date-same

# The cache is safe to damage or delete: the same bytes, no error. (The
# fingerprint goes first, else the build would not read the index.)
rm "$C/.out.cache/fingerprint"
printf 'garbage' >> "$C/.out.cache/index"
cache_same corrupt
rm "$C/.out.cache/fingerprint"
head -c 300 "$C/.out.cache/index" > "$C/trunc" && mv "$C/trunc" "$C/.out.cache/index"
cache_same truncated
rm "$C/.out.cache/fingerprint"
sed -i '2s/^./0/' "$C/.out.cache/index"
cache_same changed-byte
# A fingerprint damaged is none.
sed -i '2s/^key ./key x/' "$C/.out.cache/fingerprint"
cache_same fingerprint-changed-byte
printf 'x' >> "$C/.out.cache/fingerprint"
cache_same fingerprint-garbage
rm -rf "$C/.out.cache"
cache_same deleted
# A published file changed by hand (in place, so the spare's link to it
# changes too) is rendered again, not trusted: longer; then the same size
# with other bytes (a new mtime and ctime); then that again with its mtime
# set back (its ctime still tells: the file's identity, as git's index
# keeps it, is device, inode, size, mtime and ctime).
FAST=1 cache_same before-edit
f=$(ls "$C/out/pdf/organismes/"*.pdf | head -1)
printf 'x' >> "$f"
cache_same output-edited
f=$(ls "$C/out/pdf/organismes/"*.pdf | sed -n 2p)
sleep 0.05
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc 2> /dev/null
cache_same output-edited-same-size
f=$(ls "$C/out/organismes/"*/index.html | sed -n 3p)
touch -r "$f" "$C/mtime"
sleep 0.05
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc 2> /dev/null
touch -r "$C/mtime" "$f"
cache_same output-edited-mtime-kept
# The fingerprint takes the identity of a file the build put back from
# the cache as the cache recorded it, without looking at it again, when
# its times are older than the build's start (fingerprint.c), and the
# identity of a folder as the publisher took it once pruned: a build that
# puts back every document looks again at the output itself and at few
# files (here 19 of 618: those no document of the cache wrote). A file edited after such a build is still seen: the next build
# runs and puts it right.
touch "$C/site/site.yaml"
CARTO_TIMING=1 cache_same touched-puts-back
seen=$(sed -n 's/^carto: fingerprint-output \([0-9]*\) entries, \([0-9]*\) looked at$/\1 \2/p' "$C/log")
folders=$(find "$C/out" -type d | wc -l)
all=$(find "$C/out" | wc -l)
[ -n "$seen" ] && [ "${seen% *}" = "$all" ] && [ "${seen#* }" -lt $((folders / 4 + (all - folders) / 5)) ]
cache_test_d fingerprint-takes-identities 'echo "$seen folders=$folders"; cat "$C/log"'
# Its output entries are every path of the output once, in the order of
# their bytes (fingerprint.c sorts them with its own radix quicksort).
python3 - "$C/.out.cache/fingerprint" "$C/out" > "$C/order" 2>&1 <<'PY'
import os, sys
t = open(sys.argv[1], 'rb').read()
lines, got, i = t.split(b'\n'), [], 0
while i < len(lines):
    if lines[i].startswith(b'o '):
        got.append(lines[i + 1]); i += 2
    else:
        i += 1
want = [b'.']
for d, ds, fs in os.walk(os.fsencode(sys.argv[2])):
    rel = os.path.relpath(d, os.fsencode(sys.argv[2]))
    for n in ds + fs:
        want.append(n if rel == b'.' else rel + b'/' + n)
want.sort()
print(len(got), len(want))
sys.exit(0 if got == want else 1)
PY
cache_test_d fingerprint-output-in-byte-order 'cat "$C/order"'
f=$(ls "$C/out/organismes/"*/index.html | sed -n 5p)
sleep 0.05
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc 2> /dev/null
cache_same output-edited-after-put-back
FAST=1 cache_same output-edited-after-put-back-fast
# An output file or folder deleted, a file added: the build puts it right.
rm "$(ls "$C/out/organismes/"*/index.html | sed -n 4p)"
cache_same output-file-deleted
rm -r "$C/out/referentiels"
cache_same output-folder-deleted
echo x > "$C/out/organismes/extra.html"
cache_same output-file-added
rm -rf "$C/out"
cache_same output-deleted
# Files added to the output once it is published, before the fingerprint
# is written (in a folder the fingerprint takes from the publisher without
# looking at it again, and in the output itself, which it looks at): the
# fingerprint must not hold them as the build's (the folders' identities
# are taken as they were pruned, the output's is followed by a look at its
# entries), so the next build runs and removes them.
touch "$C/site/site.yaml"
rm -f "$C/log.paused"	# wait_line: no line of an earlier build
CARTO_TEST_PAUSE_FINGERPRINT=3 "$CARTO" build --site "$C/site" --out "$C/out" > "$C/log.paused" 2>&1 &
pid=$!
wait_line '^carto: published' "$C/log.paused"
cache_test_d output-added-paused-published 'cat "$C/log.paused"'
echo x > "$C/out/organismes/late.html"
echo x > "$C/out/late.html"
wait $pid
cache_same output-added-before-fingerprint
[ ! -e "$C/out/organismes/late.html" ] && [ ! -e "$C/out/late.html" ]
cache_test_d output-added-before-fingerprint-removed 'ls "$C/out"'
FAST=1 cache_same output-added-before-fingerprint-fast

# The folders' records (publish.h): a folder of the spare found as a build
# left it once pruned, where this build produces the same names, is not
# listed again. Two builds after a touch: every folder but the output's
# own is known (a few may not be, below). A file added to a folder of the
# spare, or to a folder of the output (which becomes the spare), changes
# the folder's identity: it is listed, and the file removed. Damaged
# records are none.
touch "$C/site/site.yaml"
cache_same folders-first
touch "$C/site/site.yaml"
CARTO_TIMING=1 cache_same folders-known
fk=$(sed -n 's/^carto: publish-folders listed=\([0-9]*\) known=\([0-9]*\)$/\1 \2/p' "$C/log")
folders=$(find "$C/out" -mindepth 1 -type d | wc -l)
# (a folder changed in the clock tick its identity was taken in is racy:
# not recorded, listed again; a loaded machine can make a few so)
[ -n "$fk" ] && [ $(( ${fk% *} + ${fk#* } )) = $((folders + 1)) ] && [ $((${fk#* } * 10)) -gt $((folders * 9)) ]
cache_test_d folders-known-not-listed 'echo "$fk folders=$folders"'
# The records hold this build's folders and the previous build's (the
# spare's), not older ones: after these builds, at most two a folder.
recs=$(grep -c '^[0-9]' "$C/.out.cache/folders")
[ "$recs" -le $((2 * (folders + 1))) ]
cache_test_d folders-records-two-builds 'echo "$recs records, $folders folders"'
d=$(ls -d "$C/.out.spare/organismes/"*/ | sed -n 2p)
echo x > "$d/stale.html"
echo x > "$C/out/referentiels/stale.html"
touch "$C/site/site.yaml"
cache_same folders-file-added-spare
touch "$C/site/site.yaml"
cache_same folders-file-added-out
[ -z "$(find "$C/out" "$C/.out.spare" -name stale.html)" ]
cache_test_d folders-stale-removed 'find "$C/out" "$C/.out.spare" -name stale.html'
printf 'x' | dd of="$C/.out.cache/folders" bs=1 seek=40 conv=notrunc 2> /dev/null
touch "$C/site/site.yaml"
CARTO_TIMING=1 cache_same folders-damaged
grep -q '^carto: publish-folders listed=[0-9]* known=0$' "$C/log"
cache_test_d folders-damaged-lists-all 'grep publish-folders "$C/log"'

# The cache's journal (generator/render/cache.c): a build that changed few
# documents writes what changed against the index read (the journal), not
# the whole index; the next build reads both. Once the journal would pass
# half the index (every document changed: another day), the whole
# index is written and the journal removed. A journal damaged, or of
# another index, is none: the documents it held are rendered again.
J=$C/.out.cache
jorg=$C/site/content/organismes/ateliers-du-plateau-clichy.yaml
index_saved() { sed -n 's/^carto: cache-index \([0-9]*\) of \([0-9]*\) documents written, \([a-z]*\)$/\1 \2 \3/p' "$C/log"; }
SOURCE_DATE_EPOCH=1810000000
cache_same journal-other-day
SOURCE_DATE_EPOCH=$date_was
CARTO_TIMING=1 cache_same journal-whole
[ "$(index_saved | cut -d' ' -f3)" = whole ] && [ ! -e "$J/journal" ]
cache_test_d journal-whole-when-all-changed 'index_saved; ls -a "$J"'
index_id=$(stat -c '%i %y' "$J/index")
sed -i 's/^  nom: "Les Ateliers du Plateau"/  nom: "Les Ateliers du Plateau Clichy"/' "$jorg"
CARTO_TIMING=1 cache_same journal-one-org
js=$(index_saved)
[ "$(stat -c '%i %y' "$J/index")" = "$index_id" ] && [ -s "$J/journal" ] && [ "${js##* }" = journal ] &&
	[ "${js%% *}" -gt 0 ] && [ "${js%% *}" -lt "$(echo "$js" | cut -d' ' -f2)" ]
cache_test_d journal-written-index-kept 'echo "$js"; ls -la --time-style=full-iso "$J"'
# The documents the journal holds are put back: nothing rendered again.
cp "$J/journal" "$C/journal.one-org"
touch "$C/site/site.yaml"
cache_same journal-read
[ "$(reused | cut -d' ' -f2)" = 0 ]
cache_test_d journal-read-puts-back 'reused; cat "$C/log"'
# A document of the index rendered again under its key (the page of an
# organisation the journal does not hold, edited by hand) is named gone,
# then given again: the next build puts it back.
for d in "$C"/out/organismes/*/; do
	f=${d}index.html
	grep -q " organismes/$(basename "$d")/index.html\$" "$J/journal" || break
done
sleep 0.05
printf 'X' >> "$f"
cache_same journal-page-edited
touch "$C/site/site.yaml"
cache_same journal-page-edited-next
[ "$(reused | cut -d' ' -f2)" = 0 ]
cache_test_d journal-same-key-given-again 'reused; grep -c "^- " "$J/journal"'
# A document of the index that is gone is named so: the organisation
# removed, its page is no longer one of the documents (nor its fiche).
mv "$jorg" "$C/jorg.yaml"
cache_same journal-org-removed
! index_now "$J" | grep -q ' organismes/ateliers-du-plateau-clichy/index.html$' &&
	! index_now "$J" | grep -q ' pdf/organismes/ateliers-du-plateau-clichy.pdf$'
cache_test_d journal-names-what-is-gone 'index_now "$J" | grep ateliers-du-plateau-clichy'
mv "$C/jorg.yaml" "$jorg"
sed -i 's/^  nom: "Les Ateliers du Plateau Clichy"/  nom: "Les Ateliers du Plateau"/' "$jorg"
cache_same journal-org-back
# The journal of another index (its documents changed, then back, then
# the whole index written again) is not read: it would drop documents
# the index holds, which would be rendered again.
SOURCE_DATE_EPOCH=1810000000
cache_same journal-other-day-2
SOURCE_DATE_EPOCH=$date_was
cache_same journal-whole-2
cp "$C/journal.one-org" "$J/journal"
touch "$C/site/site.yaml"
cache_same journal-of-another-index
[ "$(reused | cut -d' ' -f2)" = 0 ]
cache_test_d journal-of-another-index-not-read 'reused; cat "$C/log"'
# A digit of a document's identity changed in the journal: none is read.
sed -i 's/^  nom: "Les Ateliers du Plateau"/  nom: "Les Ateliers du Plateau Clichy"/' "$jorg"
cache_same journal-one-org-2
touch "$C/site/site.yaml"
cache_same journal-before-damage
python3 - "$J/journal" > "$C/jdamage" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().split("\n")
for i, l in enumerate(lines):
    f = l.split(" ")
    if len(f) == 7 and f[6] == "organismes/ateliers-du-plateau-clichy/index.html":
        f[3] = str(int(f[3]) + 1)
        lines[i] = " ".join(f)
        print(i)
        break
open(sys.argv[1], "w", encoding="utf-8", errors="surrogateescape").write("\n".join(lines))
PY
n=$(cat "$C/jdamage")
touch "$C/site/site.yaml"
cache_same journal-damaged
[ -n "$n" ] && [ "$(reused | cut -d' ' -f2)" -gt 0 ]
cache_test_d journal-damaged-is-none 'echo "line $n"; reused'
sed -i 's/^  nom: "Les Ateliers du Plateau Clichy"/  nom: "Les Ateliers du Plateau"/' "$jorg"
cache_same journal-org-back-2

# A build killed before publishing leaves the cache as it was.
index_was=$(cksum < "$C/.out.cache/index")
journal_was=$(cksum < "$C/.out.cache/journal" 2> /dev/null)
echo "# changed" >> "$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
CARTO_TEST_PAUSE=30 "$CARTO" build --site "$C/site" --out "$C/out" > /dev/null 2>&1 &
pid=$!
sleep 2
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
[ "$(cksum < "$C/.out.cache/index")" = "$index_was" ] && [ ! -e "$C/.out.cache/fingerprint" ] &&
	[ "$(cksum < "$C/.out.cache/journal" 2> /dev/null)" = "$journal_was" ]
cache_test_d killed-build-keeps-cache 'ls -a "$C/.out.cache"'
cache_same after-kill

# The suites memo (data/suites_memo.h): a build searches again only the
# offers whose suites may have changed, and puts back the others'. One
# organisation renamed: few are searched again; one of its lieux moved
# next to another organisation's (Meaux), whose suites did not list it:
# it now does, as in a clean build (the memo must see that the moved
# lieu is nearer than that offer's last suite); a memo damaged, truncated
# or deleted is none (every offer searched).
memo() { sed -n 's/^carto: suites-memo \([0-9]*\) of \([0-9]*\) offers searched again$/\1 \2/p' "$C/log"; }
meaux() { awk -F';' '$1 == "langues-et-insertion-pays-de-meaux" { print $7 }' "$C/out/data/suites.csv"; }
f="$C/site/content/organismes/mots-passants-champigny.yaml"
sed -i 's/^  nom: "\(.*\)"$/  nom: "\1 (Champigny)"/' "$f"
CARTO_TIMING=1 cache_same memo-org-renamed
m=$(memo)
[ -n "$m" ] && [ "${m% *}" -gt 0 ] && [ $((${m% *} * 2)) -lt "${m#* }" ]
cache_test_d memo-searches-few 'echo "$m"; cat "$C/log"'
! meaux | grep -q '^centre-social-port-et-quartiers$'
cache_test_d memo-meaux-before 'meaux'
f="$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
sed -i '0,/geo: {/s/geo: { lat: [0-9.]*, lon: [0-9.]* }/geo: { lat: 48.9582, lon: 2.8978 }/' "$f"
CARTO_TIMING=1 cache_same memo-lieu-moved-near
m=$(memo)
meaux | grep -q '^centre-social-port-et-quartiers$' && [ -n "$m" ] && [ $((${m% *} * 2)) -lt "${m#* }" ]
cache_test_d memo-lieu-enters 'echo "$m"; meaux'
touch "$C/site/site.yaml"
printf 'x' | dd of="$C/.out.cache/suites" bs=1 seek=200 conv=notrunc 2> /dev/null
CARTO_TIMING=1 cache_same memo-damaged
m=$(memo)
[ -n "$m" ] && [ "${m% *}" = "${m#* }" ]
cache_test_d memo-damaged-searches-all 'echo "$m"'
touch "$C/site/site.yaml"
head -c 1000 "$C/.out.cache/suites" > "$C/trunc" && mv "$C/trunc" "$C/.out.cache/suites"
cache_same memo-truncated
rm "$C/.out.cache/suites"
touch "$C/site/site.yaml"
cache_same memo-deleted
# The memo written after a rename copies the bytes of the organisations
# whose suites were all put back (suites_memo.c, may_copy): it must be the
# memo of a build that searched every offer, byte for byte.
f="$C/site/content/organismes/mots-passants-champigny.yaml"
sed -i 's/^  nom: "\(.*\) (Champigny)"$/  nom: "\1 (Champigny-sur-Marne)"/' "$f"
CARTO_TIMING=1 cache_same memo-copied
m=$(memo)
cp "$C/.out.cache/suites" "$C/suites.copied"
rm "$C/.out.cache/suites"
touch "$C/site/site.yaml"
CARTO_TIMING=1 cache_same memo-copied-searched-all
m2=$(memo)
[ -n "$m" ] && [ "${m% *}" -lt "${m#* }" ] && [ -n "$m2" ] && [ "${m2% *}" = "${m2#* }" ] &&
	cmp -s "$C/suites.copied" "$C/.out.cache/suites"
cache_test_d memo-copied-same-bytes 'echo "$m / $m2"; cmp "$C/suites.copied" "$C/.out.cache/suites"'
# The memo is written by a thread of its own while the build goes on
# (suites_memo_save), and the build waits for it before it ends: one whose
# writer is held back (CARTO_TEST_PAUSE_MEMO, seconds), with no memo
# before it, still leaves one, and the next build searches few offers.
sed -i 's/^  nom: "\(.*\) (Champigny-sur-Marne)"$/  nom: "\1 (Champigny)"/' "$f"
rm "$C/.out.cache/suites"
CARTO_TEST_PAUSE_MEMO=1 cache_same memo-held-back
touch "$C/site/site.yaml"
CARTO_TIMING=1 cache_same memo-held-back-kept
m=$(memo)
[ -s "$C/.out.cache/suites" ] && [ -n "$m" ] && [ "${m% *}" -lt "${m#* }" ] && ! ls "$C/.out.cache" | grep -q '\.tmp$'
cache_test_d memo-held-back-written 'echo "$m"; ls -a "$C/.out.cache"'
# In a file of several organisations, each is keyed on its own part (the
# organisation's tree: organisme's own, model.h): one renamed there has its
# offers searched again, not the file's other organisations' (fewer than
# the file's offers); one of them with a lieu moved next to Meaux has its
# suites found again, as in a clean build (its own part holds the lieu).
f="$C/site/content/organismes/lheo-offre-francais-idf.yaml"
file_offers=$(awk '/^  - id:/ { s = "" } /^    offres:/ { s = "o" } /^      - id:/ && s == "o" { n++ } END { print n }' "$f")
sed -i 's/^    nom: "Langues Partagées Saint-Ouen"$/    nom: "Langues Partagées (Saint-Ouen)"/' "$f"
CARTO_TIMING=1 cache_same memo-part-renamed
m=$(memo)
grep -q '^    nom: "Langues Partagées (Saint-Ouen)"$' "$f" && [ -n "$m" ] && [ "${m% *}" -gt 0 ] &&
	[ "${m% *}" -lt "$file_offers" ]
cache_test_d memo-part-searches-its-own 'echo "$m of $file_offers"'
f="$C/site/content/organismes/reseau-paroles-d-oise.yaml"
sed -i '/^  - id: argenteuil-francais-solidaire$/,/geo: {/s/geo: { lat: [0-9.]*, lon: [0-9.]* }/geo: { lat: 48.9583, lon: 2.8977 }/' "$f"
CARTO_TIMING=1 cache_same memo-part-lieu-moved
m=$(memo)
grep -q 'lat: 48.9583' "$f" && [ -n "$m" ] && [ "${m% *}" -gt 0 ] && [ "${m% *}" -lt "${m#* }" ]
cache_test_d memo-part-lieu-moved-few 'echo "$m"; grep -n "argenteuil-francais-solidaire\|lat: 48.9583" "$f"'
# The memo finds each organisation by its place when the ids are in the
# site's order, else by id: a file renamed so that it sorts elsewhere
# moves its organisation, whose suites are still put back with everyone
# else's (nothing searched), from the right organisation of the memo.
g="$C/site/content/organismes/mots-passants-champigny.yaml"
mv "$g" "$C/site/content/organismes/zz-mots-passants-champigny.yaml"
CARTO_TIMING=1 cache_same memo-org-moved
m=$(memo)
[ -n "$m" ] && [ "${m% *}" = 0 ]
cache_test_d memo-org-moved-none-searched 'echo "$m"'
mv "$C/site/content/organismes/zz-mots-passants-champigny.yaml" "$g"
CARTO_TIMING=1 cache_same memo-org-moved-back
m=$(memo)
[ -n "$m" ] && [ "${m% *}" = 0 ]
cache_test_d memo-org-moved-back-none-searched 'echo "$m"'

# The keys do not depend on the number of threads: the suites, the
# organisations' keys and their suites' digests are found side by side
# (16 a job). A build on 3 threads, then, with a file touched (its bytes
# the same), one on 1 thread reuses every document and renders none.
"$CARTO" build --site "$C/site" --out "$C/out" --jobs 3 > /dev/null 2>&1
touch "$C/site/content/organismes/centre-social-port-et-quartiers.yaml"
"$CARTO" build --site "$C/site" --out "$C/out" --jobs 1 > "$C/log" 2>&1
grep -q '^carto: [0-9]* documents reused from the build cache, 0 rendered$' "$C/log"
cache_test_d jobs-same-keys 'tail -2 "$C/log"'

# A booklet rendered again puts back the compressed contents of its pages
# that did not change (pdf_pages.c; CARTO_TIMING counts them). One
# organisation renamed, its name as long as before: the booklets that list
# it compress again only the pages that show it.
f="$C/site/content/organismes/regie-de-quartier-val-de-torcy.yaml"
pages() { sed -n 's/^carto: pdf pages put back \([0-9]*\), compressed \([0-9]*\)$/\1 \2/p' "$C/log"; }
# The tests of the pages, entries and drawings put back go the whole way:
# the booklet is not spliced (pdf_splice.c, below) without its note.
nosplice() { rm -f "$C/.out.cache/notes/"pdf-splice+*; }
grep -q '^  nom: "Régie de quartier du Val de Torcy"$' "$f" &&
	grep -q 'Régie de quartier du Val de Torcy' "$C/out/cartographies/linguistique/index.html"
cache_test booklet-org-listed
sed -i 's/^  nom: "Régie de quartier du Val de Torcy"$/  nom: "Régie de quartier du Val de Torcx"/' "$f"
nosplice
CARTO_TIMING=1 cache_same booklet-org-renamed
r=$(pages)
[ "${r% *}" -gt 20 ] 2> /dev/null && [ "${r#* }" -gt 0 ] && [ $((${r#* } * 4)) -lt "${r% *}" ]
cache_test_d booklet-org-renamed-puts-back-pages 'grep pdf "$C/log"'
pdftotext "$C/out/pdf/cartographies/linguistique.pdf" - | grep -q 'Val de Torcx'
cache_test booklet-org-renamed-shows
# The name grows by lines: every page after its entries moves, and still
# the bytes are those of a build without the cache.
long="Régie de quartier du Val de Torcy, association intermédiaire d'insertion par l'activité économique"
long="$long, pour les habitants de Torcy, de Noisiel, de Lognes, de Champs-sur-Marne, d'Émerainville"
long="$long et de Croissy-Beaubourg, avec ses ateliers de langue, ses chantiers et son accueil"
sed -i "s/^  nom: \"Régie de quartier du Val de Torcx\"\$/  nom: \"$long\"/" "$f"
nosplice
CARTO_TIMING=1 cache_same booklet-entry-grows
r2=$(pages)
[ "${r2#* }" -gt $((${r#* } + 5)) ] 2> /dev/null
cache_test_d booklet-entry-grows-moves-pages 'echo "$r then $r2"'
# A page's piece changed in the published booklet (same length) is not put
# back: its bytes are checked, and compressed again.
list="$C/.out.cache/pieces/pdf+cartographies+linguistique.pdf"
set -- $(sed -n '6p' "$list")
printf 'XY' | dd of="$C/out/pdf/cartographies/linguistique.pdf" bs=1 seek=$(($3 + $4 / 2)) conv=notrunc 2> /dev/null
sed -i 's/^  nom: "Régie de quartier du Val de Torcy, .*"$/  nom: "Régie de quartier du Val de Torcy"/' "$f"
CARTO_TIMING=1 cache_same booklet-piece-edited
[ "$#" -ge 4 ] && [ "$4" -gt 10 ]
cache_test_d booklet-piece-edited-found 'cat "$list" | head -8'

# A booklet's entries are laid out once (pdf_entries.c; CARTO_TIMING
# counts them): an entry whose script (its strings, fonts and sizes) did
# not change is replayed from the ops the previous build recorded, in a
# note of the cache; the others are laid out. Whatever changes, the bytes
# are those of a build without the cache: one entry's field (a telephone),
# a label every entry of its type shows (in the global part of the keys),
# notes corrupted, cut short or removed (then nothing is replayed).
N="$C/.out.cache/notes"
ents() { sed -n 's/^carto: pdf entries replayed \([0-9]*\), laid out \([0-9]*\)$/\1 \2/p' "$C/log"; }
[ -s "$N/pdf-entries+pdf+cartographies+linguistique.pdf" ]
cache_test_d booklet-entries-note 'ls "$N"'
sed -i 's/telephone: "01 60 05 47 31"/telephone: "01 60 05 47 39"/' "$f"
nosplice
CARTO_TIMING=1 cache_same booklet-entry-field
e=$(ents)
[ "${e% *}" -gt 20 ] 2> /dev/null && [ "${e#* }" -gt 0 ] && [ $((${e#* } * 4)) -lt "${e% *}" ]
cache_test_d booklet-entry-field-replays 'grep pdf "$C/log"'
pdftotext "$C/out/pdf/cartographies/linguistique.pdf" - | grep -q '01 60 05 47 39'
cache_test booklet-entry-field-shows
# A booklet's map is kept whole (pdf_keep.c): its key (the rows' places,
# numbers and types, the box, the page's state) unchanged, its bytes are
# put back from the note of the last build without drawing.
kept() { sed -n 's/^carto: pdf drawings kept \([0-9]*\)$/\1/p' "$C/log"; }
[ "$(kept)" -ge 1 ] 2> /dev/null && [ -s "$N/pdf-kept+pdf+cartographies+linguistique.pdf" ]
cache_test_d booklet-map-kept 'grep pdf "$C/log"; ls "$N"'
# The end of a département's booklet (the lieux nearest each commune, the
# index of communes) is a section keyed by the places and numbers it reads:
# a lieu moved lays it out again.
sed -i 's/geo: { lat: 48.8528, lon: 2.6523 }/geo: { lat: 48.8728, lon: 2.6523 }/' "$f"
nosplice
CARTO_TIMING=1 cache_same booklet-tail-lieu-moved
e=$(ents)
[ "${e% *}" -gt 20 ] 2> /dev/null && [ "${e#* }" -gt 0 ]
cache_test_d booklet-tail-lieu-moved-replays 'grep pdf "$C/log"'
# The lieu moved its marker: every map that shows it is drawn again.
[ "$(kept)" = 0 ]
cache_test_d booklet-map-lieu-moved-draws 'grep pdf "$C/log"'
sed -i 's/^    libelle: "Français à visée professionnelle"$/    libelle: "Français à visée professionnelle (FP)"/' \
	"$C/site/referentiels/vocabulaires.yaml"
CARTO_TIMING=1 cache_same booklet-entry-label
e=$(ents)
[ "${e% *}" = 0 ] && [ "${e#* }" -gt 20 ] 2> /dev/null &&
	pdftotext "$C/out/pdf/cartographies/linguistique.pdf" - | grep -q 'professionnelle (FP)'
cache_test_d booklet-entry-label-lays-out 'grep pdf "$C/log"'
# damage HOW FILE...: the notes corrupted, cut short or removed.
damage() {
	how=$1
	shift
	for n in "$@"; do
		case $how in
		corrupt) printf 'XY' | dd of="$n" bs=1 seek=$(($(stat -c %s "$n") / 2)) conv=notrunc 2> /dev/null ;;
		cut) truncate -s -7 "$n" ;;
		removed) rm -f "$n" ;;
		esac
	done
}
# Each change below renders the booklets that list the organisation.
for how in corrupt cut removed; do
	damage "$how" "$N"/*
	sed -i "s/telephone: \"01 60 05 47 3[0-9]\"/telephone: \"01 60 05 47 3${#how}\"/" "$f"
	CARTO_TIMING=1 cache_same "booklet-entries-$how"
	e=$(ents)
	[ "${e% *}" = 0 ] && [ "${e#* }" -gt 20 ] 2> /dev/null
	cache_test_d "booklet-entries-$how-lays-out" 'grep pdf "$C/log"'
	[ "$(kept)" = 0 ]	# the maps' note too: drawn
	cache_test_d "booklet-map-$how-draws" 'grep pdf "$C/log"'
done

# A booklet's pages that only replayed entries fill are not drawn when the
# previous build's note of its pages (pdf_lazy.c) has their recipe: their
# contents are put back undrawn. That note damaged, cut short or removed,
# every page is drawn; the bytes are those of a build without the cache.
undrawn() { sed -n 's/^carto: pdf pages put back undrawn \([0-9]*\)$/\1/p' "$C/log"; }
sed -i 's/telephone: "01 60 05 47 3[0-9]"/telephone: "01 60 05 47 21"/' "$f"
nosplice
CARTO_TIMING=1 cache_same booklet-pages-note
sed -i 's/telephone: "01 60 05 47 21"/telephone: "01 60 05 47 23"/' "$f"
nosplice
CARTO_TIMING=1 cache_same booklet-pages-learnt
sed -i 's/telephone: "01 60 05 47 23"/telephone: "01 60 05 47 22"/' "$f"
nosplice
CARTO_TIMING=1 cache_same booklet-pages-undrawn
u=$(undrawn)
[ -s "$N/pdf-pages+pdf+cartographies+linguistique.pdf" ] && [ "$u" -gt 20 ] 2> /dev/null
cache_test_d booklet-pages-undrawn-some 'grep pdf "$C/log"; ls "$N"'
# One entry changed: the entries' note, which has nearly every entry, is
# kept as it was (pdf_entries_close), and the bytes stay right.
was=$(stat -c '%i %y' "$N/pdf-entries+pdf+cartographies+linguistique.pdf")
sed -i 's/telephone: "01 60 05 47 22"/telephone: "01 60 05 47 24"/' "$f"
CARTO_TIMING=1 cache_same booklet-entries-note-kept
e=$(ents)
[ "$(stat -c '%i %y' "$N/pdf-entries+pdf+cartographies+linguistique.pdf")" = "$was" ] && [ "${e#* }" -gt 0 ] 2> /dev/null
cache_test_d booklet-entries-note-kept-same 'echo "$was"; ls -li --full-time "$N"; grep pdf "$C/log"'
for how in corrupt cut removed; do
	damage "$how" "$N"/pdf-pages+*
	sed -i "s/telephone: \"01 60 05 47 2[0-9]\"/telephone: \"01 60 05 47 2${#how}\"/" "$f"
	nosplice
	CARTO_TIMING=1 cache_same "booklet-pages-$how"
	[ "$(undrawn)" = 0 ]
	cache_test_d "booklet-pages-$how-draws" 'grep pdf "$C/log"'
done

# A booklet rendered again is spliced (pdf_splice.c): its sections (an
# entry, a commune's heading, the end) from the first changed one until
# the layout meets the previous build's again (same section, page and
# cursor) are laid out, the pages they touch drawn, and the previous file
# written with those pages' objects replaced; CARTO_TIMING counts the
# booklets spliced and their pages drawn. Whatever happens, the bytes are
# those of a build without the cache: one field changed, an entry grown
# by lines and back, the note damaged, cut short, removed or another
# booklet's, the published booklet edited.
spliced() { sed -n 's/^carto: pdf booklets spliced \([0-9]*\), pages drawn \([0-9]*\)$/\1 \2/p' "$C/log"; }
bp="$C/out/pdf/cartographies/linguistique.pdf"
sed -i 's/telephone: "01 60 05 47 2[0-9]"/telephone: "01 60 05 47 10"/' "$f"
CARTO_TIMING=1 cache_same booklet-splice-noted
[ -s "$N/pdf-splice+pdf+cartographies+linguistique.pdf" ]
cache_test_d booklet-splice-note 'ls "$N"'
sed -i 's/telephone: "01 60 05 47 10"/telephone: "01 60 05 47 11"/' "$f"
CARTO_TIMING=1 cache_same booklet-spliced
sp=$(spliced)
np=$(pdfinfo "$bp" 2> /dev/null | awk '/^Pages:/ {print $2}')
[ "${sp% *}" -ge 1 ] 2> /dev/null && [ "${sp#* }" -ge 1 ] && [ $((${sp#* } * 4)) -lt "$np" ] &&
	pdftotext "$bp" - | grep -q '01 60 05 47 11'
cache_test_d booklet-spliced-few-pages 'echo "$sp of $np"; grep pdf "$C/log"'
sed -i "s/^  nom: \"Régie de quartier du Val de Torcy\"\$/  nom: \"$long\"/" "$f"
CARTO_TIMING=1 cache_same booklet-splice-grows
pdftotext "$bp" - | tr '\n' ' ' | grep -q 'Val de Torcy, association'
cache_test_d booklet-splice-grows-shows 'grep pdf "$C/log"'
sed -i 's/^  nom: "Régie de quartier du Val de Torcy, .*"$/  nom: "Régie de quartier du Val de Torcy"/' "$f"
CARTO_TIMING=1 cache_same booklet-splice-shrinks
for how in corrupt cut removed; do
	damage "$how" "$N"/pdf-splice+*
	sed -i "s/telephone: \"01 60 05 47 1[0-9]\"/telephone: \"01 60 05 47 1${#how}\"/" "$f"
	CARTO_TIMING=1 cache_same "booklet-splice-$how"
	[ "$(spliced)" = "0 0" ]
	cache_test_d "booklet-splice-$how-whole" 'grep pdf "$C/log"'
done
sed -i 's/telephone: "01 60 05 47 1[0-9]"/telephone: "01 60 05 47 12"/' "$f"
CARTO_TIMING=1 cache_same booklet-splice-again
[ "$(spliced | cut -d' ' -f1)" -ge 1 ] 2> /dev/null
cache_test_d booklet-splice-again-spliced 'echo "$sp"; grep pdf "$C/log"'
# An entry's key holds its organisation's suites (entry_key): another
# département's organisation renamed, which the "Et après ?" of entries of
# the Hauts-de-Seine booklet names, lays those entries out again in the
# splice (left out of the key, they were replayed with the old name).
g="$C/site/content/organismes/reseau-paroles-d-oise.yaml"
grep -q '^    nom: "Argenteuil Français Solidaire"$' "$g" &&
	pdftotext "$C/out/pdf/cartographies/linguistique-92.pdf" - | grep -q 'Argenteuil Français Solidaire'
cache_test booklet-suite-named
sed -i 's/^    nom: "Argenteuil Français Solidaire"$/    nom: "Argenteuil Français Solidarité"/' "$g"
CARTO_TIMING=1 cache_same booklet-suite-renamed
pdftotext "$C/out/pdf/cartographies/linguistique-92.pdf" - | grep -q 'Argenteuil Français Solidarité' &&
	[ "$(spliced | cut -d' ' -f1)" -ge 1 ] 2> /dev/null
cache_test_d booklet-suite-renamed-spliced 'grep pdf "$C/log"'
sed -i 's/^    nom: "Argenteuil Français Solidarité"$/    nom: "Argenteuil Français Solidaire"/' "$g"
CARTO_TIMING=1 cache_same booklet-suite-renamed-back
# Another booklet's note in its place: its head differs, nothing spliced.
cp "$N/pdf-splice+pdf+cartographies+linguistique-77.pdf" "$C/splice-77"
cp "$N/pdf-splice+pdf+cartographies+linguistique.pdf" "$N/pdf-splice+pdf+cartographies+linguistique-77.pdf"
for n in "$N"/pdf-splice+*; do
	case $n in *-77.pdf) ;; *) cp "$C/splice-77" "$n" ;; esac
done
sed -i 's/telephone: "01 60 05 47 12"/telephone: "01 60 05 47 13"/' "$f"
CARTO_TIMING=1 cache_same booklet-splice-foreign
[ "$(spliced)" = "0 0" ]
cache_test_d booklet-splice-foreign-whole 'ls "$N"; grep pdf "$C/log"'
# The published booklet changed (same length): not the file noted.
sed -i 's/telephone: "01 60 05 47 13"/telephone: "01 60 05 47 14"/' "$f"
CARTO_TIMING=1 cache_same booklet-splice-renoted
printf 'XY' | dd of="$bp" bs=1 seek=$(($(stat -c %s "$bp") / 2)) conv=notrunc 2> /dev/null
sed -i 's/telephone: "01 60 05 47 14"/telephone: "01 60 05 47 15"/' "$f"
CARTO_TIMING=1 cache_same booklet-splice-edited
s2=$(spliced)
[ "${s2% *}" -lt "${sp% *}" ] 2> /dev/null
cache_test_d booklet-splice-edited-whole 'echo "$sp then $s2"; grep pdf "$C/log"'
# A splice reads of the published booklet its table and the pages drawn
# again, no more: the rest is copied by the kernel (copy_file_range), the
# file trusted by its identity (the list of its pieces records it, with
# the mark of the file the note was written for) and not read back to be
# hashed (the index holds it with no digest). (A number of another length:
# a booklet of the published one's size is compared with it byte by byte
# by the publisher, to keep its inode when they are the same.) Then the
# booklet edited in place, its size and mtime kept (its ctime changed): it
# is no longer the file noted, nothing of it is copied.
if can_strace "cache/booklet-splice-unread"; then
	sed -i 's/telephone: "01 60 05 47 15"/telephone: "01 60 05 47 16 16"/' "$f"
	CARTO_TIMING=1 strace -f -qq -y -o "$C/strace" -e trace=read,pread64,copy_file_range \
		"$CARTO" build --site "$C/site" --out "$C/out" > "$C/log" 2>&1
	pb='[0-9]+<[^>]*/out/pdf/cartographies/linguistique\.pdf>'
	got=$(grep -E "^[0-9]+ +(read|pread64)\($pb" "$C/strace" | sed -n 's/.*= \([0-9]*\)$/\1/p' |
		awk '{ n += $1 } END { print n + 0 }')
	copies=$(grep -cE "copy_file_range\($pb" "$C/strace")
	size=$(stat -c %s "$bp")
	sp=$(spliced)
	[ "${sp% *}" -ge 1 ] 2> /dev/null && [ "$copies" -ge 1 ] && [ $((got * 4)) -lt "$size" ] &&
		index_now "$C/.out.cache" | grep -q '^[0-9]* 0\{32\} .* pdf/cartographies/linguistique\.pdf$'
	cache_test_d booklet-splice-unread 'echo "spliced $sp, read $got of $size bytes, $copies copies"; index_now "$C/.out.cache" | grep "linguistique.pdf"'
	sed -i 's/telephone: "01 60 05 47 16 16"/telephone: "01 60 05 47 17"/' "$f"
	CARTO_TIMING=1 cache_same booklet-splice-unread-next
	touch -r "$bp" "$C/mtime"
	sleep 0.05
	printf 'XY' | dd of="$bp" bs=1 seek=$(($(stat -c %s "$bp") / 3)) conv=notrunc 2> /dev/null
	touch -r "$C/mtime" "$bp"
	sed -i 's/telephone: "01 60 05 47 17"/telephone: "01 60 05 47 18"/' "$f"
	CARTO_TIMING=1 cache_same booklet-splice-edited-mtime-kept
fi

# The notes of files the build did not make are removed (cache_save); those
# of booklets put back whole are kept.
printf 'old' > "$N/pdf-entries+pdf+cartographies+gone.pdf"
printf 'old' > "$N/pdf-pages+pdf+cartographies+gone-77.pdf"
touch "$C/site/site.yaml"
cache_same notes-cleaned
[ ! -e "$N/pdf-entries+pdf+cartographies+gone.pdf" ] && [ ! -e "$N/pdf-pages+pdf+cartographies+gone-77.pdf" ] &&
	[ -s "$N/pdf-entries+pdf+cartographies+linguistique.pdf" ] && [ -s "$N/pdf-pages+pdf+cartographies+linguistique.pdf" ]
cache_test_d notes-cleaned-gone 'ls "$N"'

# Another program that appends to a page this build wrote, once the build
# has published it and before it writes its fingerprint
# (CARTO_TEST_PAUSE_FINGERPRINT): the page's change time is this build's,
# so the fingerprint looks at it, and must find that its identity is no
# longer the one the cache recorded (then no fingerprint), not note it as it
# is now, or the next build would stop early and keep the page.
rename_org "Centre social Ponts"
sleep 0.02	# out of the racy tick of the edit, as cache_same
rm -f "$C/log.paused"	# wait_line: no line of an earlier build
CARTO_TEST_PAUSE_FINGERPRINT=3 "$CARTO" build --site "$C/site" --out "$C/out" > "$C/log.paused" 2>&1 &
pid=$!
wait_line '^carto: published' "$C/log.paused"
cache_test_d appended-paused-published 'cat "$C/log.paused"'
echo "<!-- appended -->" >> "$C/out/organismes/centre-social-port-et-quartiers/index.html"
wait $pid
cache_same appended-while-building

# The parts of a file of several organisations are kept in a memo
# (.out.cache/parts, cache.c's file_parts), by the file's digest and its
# organisations' lines and columns: a build whose files of several
# organisations did not change reads none of them again; one of them
# changed is read (its bytes, not its path, find its record); a memo
# damaged, or another carto's, is none (every such file read), and the
# output is a clean build's either way. (Here, near the end: these builds
# change the spare's history, which the counts of pieces above depend on.)
parts_counts() { sed -n 's/^carto: cache-parts \([0-9]*\) files taken, \([0-9]*\) read$/\1 \2/p' "$C/log"; }
pm="$C/.out.cache/parts"
shared="$C/site/content/organismes/reseau-paroles-d-oise.yaml"
lire=$(grep -L '^organismes:' "$C/site/content/organismes/"*.yaml | head -1)	# of one organisation
nshared=$(grep -l '^organismes:' "$C/site/content/organismes/"*.yaml | wc -l)
sed -i '0,/^  nom: "\(.*\)"/s//  nom: "\1 !"/' "$lire"
CARTO_TIMING=1 cache_same parts-memo-other-file
[ "$nshared" -ge 2 ] && [ "$(parts_counts)" = "$nshared 0" ]
cache_test_d parts-memo-unchanged-files-not-read 'echo "$nshared: $(parts_counts)"; cat "$pm"'
sed -i 's/^    nom: "Cergy[^"]*"/    nom: "Cergy Accueil Langues (mémo)"/' "$shared"
CARTO_TIMING=1 cache_same parts-memo-changed-file
[ "$(parts_counts)" = "$((nshared - 1)) 1" ] &&
	grep -q "Cergy Accueil Langues (mémo)" "$C/out/organismes/cergy-accueil-langues/index.html"
cache_test_d parts-memo-changed-file-read 'echo "$(parts_counts)"; cat "$pm"'
# Damaged: another file's digest in a record (a byte changed that still
# parses: only the memo's trailer tells), the files of several unchanged.
sed -i '2{s/^0/1/;t;s/^[1-9a-f]/0/}' "$pm"
sed -i '0,/^  nom: "\(.*\) !"/s//  nom: "\1"/' "$lire"
CARTO_TIMING=1 cache_same parts-memo-damaged
[ "$(parts_counts)" = "0 $nshared" ]
cache_test_d parts-memo-damaged-none 'echo "$(parts_counts)"; cat "$pm"'
sed -i '1s/ [0-9a-f]*$/ 0123456789abcdef0123456789abcdef/' "$pm"
sed -i 's/^    nom: "Cergy Accueil Langues (mémo)"/    nom: "Cergy Accueil Langues"/' "$shared"
CARTO_TIMING=1 cache_same parts-memo-other-carto
[ "$(parts_counts)" = "0 $nshared" ]
cache_test_d parts-memo-other-carto-none 'echo "$(parts_counts)"; head -2 "$pm"'

# The cartography's page of a large view (it lists communes, not offers)
# is keyed on what it prints (html_carto.c's html_carto_page_key): of its
# rows' organisations, only the names its markers' labels show. On a
# synthetic site of 900 organisations (tests/site.sh's large one), each
# change against a clean build, and whether the page got a new key: an
# organisation of the view whose name no label shows renamed, the same key
# and the page put back (the extracts whose sizes it shows grew, but show
# the same size);
# one whose name a label shows, a new key and the new name on the page; its
# offers' childcare changed (a facet's count), a new key; a lieu moved (the
# markers are grouped again: their note, html-markers/, no longer holds).
if [ "$LABEL" = plain ] && [ -x build/gensite ] && command -v python3 > /dev/null; then
	LS="$C/large"
	mkdir -p "$LS/site/content"
	cp -r site.yaml referentiels "$LS/site/" && cp -r content/cartographies "$LS/site/content/"
	sed -i '/url: "\(actualites\|webinaires\|a-propos\)\/"/d' "$LS/site/site.yaml"
	build/gensite --orgs 900 --pages 10 --seed 7 --geo referentiels/geo/communes.csv --out "$LS/site" > /dev/null
	# large_same NAME: cache_same on the large site.
	large_same() {
		rm -rf "$LS/clean" "$LS/.clean".*
		sleep 0.02
		"$CARTO" build --site "$LS/site" --out "$LS/out" > "$LS/log" 2>&1 &&
			"$CARTO" build --no-cache --site "$LS/site" --out "$LS/clean" > "$LS/clean.log" 2>&1 &&
			diff -r "$LS/out" "$LS/clean" > "$LS/diff" 2>&1
		cache_test_d "$1" 'head -c 600 "$LS/diff"; cat "$LS/log"'
	}
	region=cartographies/linguistique/index.html
	region_key() {
		index_now "$LS/.out.cache" |
		    awk -v f="$region" 'NF == 3 && length($1) == 32 { k = $1 } NF >= 7 && $NF == f { print k }'
	}
	# pick SHOWN [PAGE]: the file of an organisation with offers in the view
	# whose name the page shows (SHOWN 1) or not at all (0); with PAGE (an
	# earlier copy of the page), one the page shows and PAGE did not.
	pick() {
		python3 - "$LS/site" "$LS/out" "$region" "$1" "${2:-}" <<'PY'
import csv, html, os, re, sys
site, out, region, shown, before = sys.argv[1:]
page = html.unescape(open(os.path.join(out, region), encoding="utf-8").read())
old = html.unescape(open(before, encoding="utf-8").read()) if before else ""
ids = {r["organisme_id"] for r in csv.DictReader(open(os.path.join(out, "data/cartographies/linguistique.csv"),
    encoding="utf-8-sig"), delimiter=";")}
d = os.path.join(site, "content/organismes")
for f in sorted(os.listdir(d)):
    t = open(os.path.join(d, f), encoding="utf-8").read()
    m, i = re.search(r'^  nom: "(.*)"$', t, re.M), re.search(r'^  id: (\S+)$', t, re.M)
    if m and i and i.group(1) in ids and (m.group(1) in page) == (shown == "1") and not (before and m.group(1) in old):
        print(os.path.join(d, f))
        break
PY
	}
	# region_sizes: the sizes of other files the page read, as the index
	# records them (a page rendered again records them anew).
	region_sizes() {
		awk -v f="$region" 'NF == 3 && length($1) == 32 { if (m) printf "%s", b; b = ""; m = 0; next }
		    NF >= 7 && $NF == f { m = 1 } NF == 2 && $1 != "end" { b = b $0 "\n" }
		    END { if (m) printf "%s", b }' <(index_now "$LS/.out.cache")
	}
	# data_keys: the keys of the départements' data (donnees/NN.js, not
	# their runs NN-K.js), one "key path" a line.
	data_keys() {
		awk 'NF == 3 && length($1) == 32 { k = $1 }
		    NF >= 7 && $NF ~ /^cartographies\/[a-z-]+\/donnees\/[0-9AB]+\.js$/ { print k, $NF }' \
		    <(index_now "$LS/.out.cache") | sort -k2
	}
	large_same large-first
	k0=$(region_key)
	# The region's booklet does not list its 1,800 rows (its départements'
	# do): keyed on what it prints of them (pdf_booklet_unlisted_key), a
	# rename keeps it, a lieu moved renders it again (below).
	booklet_key() {
		awk -v f=pdf/cartographies/linguistique.pdf 'NF == 3 && length($1) == 32 { k = $1 }
		    NF >= 7 && $NF == f { print k }' <(index_now "$LS/.out.cache")
	}
	b0=$(booklet_key)
	s0=$(region_sizes)
	data_keys > "$LS/data.0"
	f=$(pick 0)
	sed -i '0,/^  nom: /s/^  nom: "\(.*\)"$/  nom: "\1 Quincampoix"/' "$f"
	large_same large-name-not-shown
	k1=$(region_key)
	# A département's data (html_carto.c's piece_json: places, communes,
	# facets, the numbers of the organisations and lieux) is keyed on what
	# it prints of its rows (key_printed), not on their organisations'
	# files: the rename keeps every one's key (a rename used to render the
	# data of the départements of its lieux, in both cartographies); a
	# facet changed (below) gives some another.
	data_keys > "$LS/data.1"
	[ "$(wc -l < "$LS/data.0")" -gt 2 ] && cmp -s "$LS/data.0" "$LS/data.1"
	cache_test_d large-name-data-kept 'diff "$LS/data.0" "$LS/data.1"; wc -l < "$LS/data.0"'
	# Put back, not rendered: the extracts whose sizes it shows grew a few
	# bytes, and show the same (publish_shown).
	[ -n "$f" ] && [ -n "$k0" ] && [ "$k0" = "$k1" ] && [ -n "$s0" ] && [ "$s0" = "$(region_sizes)" ] &&
		grep -q 'Quincampoix' "$LS/out/data/cartographies/linguistique.csv"
	cache_test_d large-name-not-shown-page-kept 'echo "$f $k0 $k1"; echo "$s0"; region_sizes'
	f=$(pick 1)
	n=$(sed -n 's/^  nom: "\(.*\)"$/\1/p' "$f" | head -1)
	sed -i '0,/^  nom: /s/^  nom: "\(.*\)"$/  nom: "\1 Zéphyrine"/' "$f"
	large_same large-name-shown
	k2=$(region_key)
	[ -n "$f" ] && [ -n "$k2" ] && [ "$k2" != "$k1" ] && grep -q "Zéphyrine" "$LS/out/$region"
	cache_test_d large-name-shown-page-rendered 'echo "$f $n $k1 $k2"'
	[ -n "$b0" ] && [ "$(booklet_key)" = "$b0" ]
	cache_test_d large-renames-booklet-kept 'echo "$b0 / $(booklet_key)"'
	sed -i 's/garde_enfants: false/garde_enfants: Q/; s/garde_enfants: true/garde_enfants: false/;
		s/garde_enfants: Q/garde_enfants: true/' "$f"
	data_keys > "$LS/data.2"
	large_same large-facet-changed
	k3=$(region_key)
	[ -n "$k3" ] && [ "$k3" != "$k2" ]
	cache_test_d large-facet-changed-page-rendered 'grep -c "garde_enfants: true" "$f"; echo "$k2 $k3"'
	data_keys > "$LS/data.3"
	[ "$(wc -l < "$LS/data.2")" = "$(wc -l < "$LS/data.3")" ] && ! cmp -s "$LS/data.2" "$LS/data.3"
	cache_test_d large-facet-changed-data-rendered 'diff "$LS/data.2" "$LS/data.3"'
	note="$LS/.out.cache/notes/html-markers+cartographies+linguistique+index.html"
	cp "$note" "$LS/note.before"
	sed -i 's/code_postal: "[0-9]*"/code_postal: "77160"/; s/commune: "[^"]*"/commune: "Provins"/;
		s/code_insee: "[0-9]*"/code_insee: "77379"/' "$f"
	large_same large-lieu-moved
	k4=$(region_key)
	[ -n "$k4" ] && [ "$k4" != "$k3" ] && [ -s "$note" ] && ! cmp -s "$note" "$LS/note.before"
	cache_test_d large-lieu-moved-markers-again 'grep -c "Provins" "$f"; echo "$k3 $k4"'
	[ -n "$(booklet_key)" ] && [ "$(booklet_key)" != "$b0" ]
	cache_test_d large-lieu-moved-booklet-rendered 'echo "$b0 / $(booklet_key)"'
	# The note is a cache's: damaged, it is found again, with the same page.
	printf 'damaged' > "$note"
	touch "$LS/site/site.yaml"
	large_same large-note-damaged
	# The markers' note holds for the rows' places under the maps it was
	# grouped on (the territory's), not under any: the territory drawn half
	# as large again about its middle with a lieu moved (the note found
	# again under those maps, where markers merge more), then the territory
	# put back (the places unchanged since: the note must not be the grown
	# maps' grouping), then an organisation renamed whose name the labels
	# show now but did not on the grown maps: a note of the wrong maps would
	# leave it out of the page's key, and the page would be put back with
	# the old name (the note feeds the key only; the drawing groups anew).
	geo="$LS/site/referentiels/geo"
	cp -r "$geo" "$LS/geo.before"
	python3 - "$geo" <<'PY'
import json, os, sys
d = sys.argv[1]
def pts(c):
    if isinstance(c[0], (int, float)):
        yield c
    else:
        for x in c:
            yield from pts(x)
for name in ("departements.geojson", "communes.geojson", "arrondissements.geojson"):
    p = os.path.join(d, name)
    g = json.load(open(p, encoding="utf-8"))
    if name == "departements.geojson":
        a = [q for f in g["features"] for q in pts(f["geometry"]["coordinates"])]
        cx = (min(q[0] for q in a) + max(q[0] for q in a)) / 2
        cy = (min(q[1] for q in a) + max(q[1] for q in a)) / 2
    for f in g["features"]:
        for q in pts(f["geometry"]["coordinates"]):
            q[0], q[1] = round(cx + (q[0] - cx) * 1.5, 5), round(cy + (q[1] - cy) * 1.5, 5)
    json.dump(g, open(p, "w", encoding="utf-8"), ensure_ascii=False)
PY
	g=$(pick 1)
	sed -i 's/code_postal: "[0-9]*"/code_postal: "91150"/; s/commune: "[^"]*"/commune: "Étampes"/;
		s/code_insee: "[0-9]*"/code_insee: "91223"/' "$g"
	large_same large-territory-grown
	cp "$LS/out/$region" "$LS/page.grown"
	rm -rf "$geo" && cp -r "$LS/geo.before" "$geo"
	large_same large-territory-back
	# An organisation of the view whose name the page shows, not the grown one.
	f=$(pick 1 "$LS/page.grown")
	[ -n "$g" ] && [ -n "$f" ]
	cache_test_d large-territory-shows-other-names 'echo "moved: $g; newly shown: $f"'
	[ -n "$f" ] && sed -i '0,/^  nom: /s/^  nom: "\(.*\)"$/  nom: "\1 Ysolde"/' "$f"
	large_same large-territory-then-name-shown
	grep -q "Ysolde" "$LS/out/$region"
	cache_test_d large-territory-then-name-on-page 'echo "$f"'
	# The search index's parts (html_search.c): a rename indexes its group
	# again and writes that part to the small note (html-search-parts-new/),
	# leaving the note of every part as it was; the next rename, of an
	# organisation of another group, takes the first's part from the small
	# note (one group indexed again, not two); the small note damaged, its
	# groups are indexed again. Each time the bytes of a clean build.
	lpn="$LS/.out.cache/notes/html-search-parts+recherche+index.js"
	lpd="$LS/.out.cache/notes/html-search-parts-new+recherche+index.js"
	# large_groups AGAIN: the last build indexed AGAIN groups of more than one
	# (at least AGAIN when it ends with +).
	large_groups() {
		sed -n 's/^carto: search-groups \([0-9]*\) of \([0-9]*\) indexed again$/\1 \2/p' "$LS/log" |
			awk -v a="$1" '$2 > 1 && ($1 == a || (a ~ /\+$/ && $1 >= a + 0)) { ok = 1 } END { exit !ok }'
	}
	cp "$lpn" "$LS/pn.before"
	fa=$(ls "$LS/site/content/organismes"/org-*.yaml | head -1)
	fb=$(ls "$LS/site/content/organismes"/org-*.yaml | tail -1)
	sed -i '0,/^  nom: /s/^  nom: "\(.*\)"$/  nom: "\1 Ornicar"/' "$fa"
	CARTO_TIMING=1 large_same large-search-part-renamed
	large_groups 1 && cmp -s "$lpn" "$LS/pn.before" && [ -s "$lpd" ] &&
		grep -rq 'ornicar' "$LS/out/recherche/d"
	cache_test_d large-search-part-in-small-note 'grep search-groups "$LS/log"; ls -l "$lpn" "$lpd"'
	# The index rendered again puts back the files whose bytes come out as
	# the previous build recorded them (publish_keep): most of them, not
	# all (the renamed organisation's chunk of documents is new). It fails
	# when every file is written again, or when none is.
	sed -n 's/^carto: search-files \([0-9]*\) of \([0-9]*\) put back$/\1 \2/p' "$LS/log" |
		awk '$1 > 0 && $1 < $2 { ok = 1 } END { exit !ok }'
	cache_test_d large-search-files-put-back 'grep search- "$LS/log"'
	sed -i '0,/^  nom: /s/^  nom: "\(.*\)"$/  nom: "\1 Zygomar"/' "$fb"
	CARTO_TIMING=1 large_same large-search-part-renamed-again
	large_groups 1 && cmp -s "$lpn" "$LS/pn.before" && grep -rq 'zygomar' "$LS/out/recherche/d"
	cache_test_d large-search-part-from-small-note 'grep search-groups "$LS/log"; ls -l "$lpn" "$lpd"'
	# A file of the index edited by hand (the same size, other bytes) that
	# the next rename leaves as it was is written again, not put back: its
	# identity changed, and its bytes are not those recorded.
	sf=$(ls "$LS/out/recherche/docs" | sort -n | head -1)
	sf="$LS/out/recherche/docs/$sf"
	sed -i '1s/^CARTO_SEARCH_DOCS/XARTO_SEARCH_DOCS/' "$sf"
	sed -i '0,/^  nom: /s/^  nom: "\(.*\) Zygomar"$/  nom: "\1 Zygomat"/' "$fb"
	CARTO_TIMING=1 large_same large-search-file-edited-repaired
	grep -rq 'zygomat' "$LS/out/recherche/d" && grep -q '^CARTO_SEARCH_DOCS' "$sf"
	cache_test_d large-search-file-edited-written 'grep search- "$LS/log"; head -c 200 "$sf"'
	printf 'damaged' > "$lpd"
	sed -i '0,/^  nom: /s/^  nom: "\(.*\) Zygomat"$/  nom: "\1 Zygomars"/' "$fb"
	CARTO_TIMING=1 large_same large-search-small-note-damaged
	large_groups 2+ && grep -rq 'zygomars' "$LS/out/recherche/d"
	cache_test_d large-search-small-note-damaged-again 'grep search-groups "$LS/log"; ls -l "$lpn" "$lpd"'
	# The names' numbers by which the page's key counts a marker's distinct
	# names (html_carto_names_new: the same name, the same number): a copy
	# of an organisation whose name the page does not show (its marker
	# names more than its label shows), at the same lieux under another id,
	# adds no distinct name; renamed to a name sorted right after it (not
	# shown either; the rows keep their order, so nothing else the key
	# reads changes), its marker counts one more name: the page's key must
	# change, else the page is put back with the old count.
	f=$(pick 0)
	dup="$LS/site/content/organismes/zz-copie.yaml"
	[ -n "$f" ] && sed 's/^  id: \(.*\)$/  id: \1-copie/' "$f" > "$dup"
	large_same large-same-name-copy
	k5=$(region_key)
	sed -i '0,/^  nom: /s/^  nom: "\(.*\)"$/  nom: "\1 0 Quokka"/' "$dup"
	large_same large-same-name-renamed
	k6=$(region_key)
	[ -n "$f" ] && [ -n "$k5" ] && [ "$k5" != "$k6" ] && ! grep -q Quokka "$LS/out/$region"
	cache_test_d large-same-name-counted-once 'echo "$f $k5 $k6"; grep -c Quokka "$LS/out/$region"'
fi

# The index's numbers (cache.c, read_digits): read by hand, the first 19
# digits with no check of each against the limit. The index is written
# again as a base (its documents as a build reads them, no journal), signed:
# as it was, a build after a touch puts back every document; with a file's
# size past 64 bits by 2^64 (a number that wraps to the size itself when
# not checked), the index is damaged and every document is rendered again.
# index_rewrite EDIT: the index as a base with its first file's size
# plus EDIT, signed again; the journal removed.
index_rewrite() {
	index_now "$C/.out.cache" > "$C/index.docs" && /usr/bin/python3 - "$C/.out.cache/index" "$C/index.docs" "$1" << 'PY'
import ctypes, sys
class H(ctypes.Structure):
    _fields_ = [("lo", ctypes.c_uint64), ("hi", ctypes.c_uint64)]
xxh = ctypes.CDLL("libxxhash.so.0")
xxh.XXH3_128bits.restype = H
lines = open(sys.argv[2], encoding="utf-8", errors="surrogateescape").read().split("\n")[:-1]
for i, l in enumerate(lines):
    f = l.split(" ")
    if len(f) >= 7 and len(f[1]) == 32:
        f[0] = str(int(f[0]) + int(sys.argv[3])); lines[i] = " ".join(f); break
text = ("carto-cache 4\n" + "".join(l + "\n" for l in lines)).encode("utf-8", "surrogateescape")
h = xxh.XXH3_128bits(text, len(text))
open(sys.argv[1], "wb").write(text + b"end %016x%016x\n" % (h.hi, h.lo))
PY
	rm -f "$C/.out.cache/journal"
}
index_rewrite 0
touch "$C/site/site.yaml"
cache_same index-rewritten
r=$(reused)
[ "${r% *}" -gt 50 ] 2> /dev/null && [ "${r#* }" = 0 ]
cache_test_d index-rewritten-reuses 'cat "$C/log"'
index_rewrite 18446744073709551616
touch "$C/site/site.yaml"
cache_same index-number-past-64-bits
r=$(reused)
[ -z "$r" ] || [ "${r% *}" = 0 ]
cache_test_d index-number-past-64-bits-damaged 'cat "$C/log"'

# The cache is never published.
! find "$C/out" -name '*cache*' | grep -q .
cache_test_d not-published 'find "$C/out" -name '\''*cache*'\'' | head -3'
[ -n "${KEEP:-}" ] || rm -rf "$C"
