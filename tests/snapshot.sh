# The load snapshot (generator/data/snap.h), sourced by run.sh with CARTO,
# LABEL and TMP set, and ok/fail defined. A copy of the example site is
# built with the cache; CARTO_TIMING's load-snapshot line says how many YAML
# files were taken from the snapshot and how many parsed. After each change
# the build must give exactly the bytes and the diagnostics of a build
# without the cache.

S="$TMP/snap-$LABEL"
rm -rf "$S" "$TMP/.snap-$LABEL".*
mkdir -p "$S/site"
cp -r site.yaml referentiels content themes "$S/site/"
SNAP="$S/.out.cache/load"
ORG="$S/site/content/organismes/accueil-et-langues-nanterre.yaml"

# snap_test NAME ['COMMAND']: passes when the last command did; COMMAND,
# run only on failure, prints the detail (a "$(…)" argument would set $?).
snap_test() { [ $? = 0 ] && ok "$LABEL snapshot/$1" || fail "$LABEL snapshot/$1: $(eval "${2:-:}")"; }

# snap_build NAME: builds with the cache over $S/out (stderr in $S/err, the
# timing line's two counts in $S/counts), and without it into a fresh
# $S/clean; the outputs and the diagnostics must be the same. A change to
# site.yaml's identity first, so that the fingerprint never stops the build
# early (tests/cache.sh tests that).
snap_build() {
	touch "$S/site/site.yaml"
	rm -rf "$S/clean" "$S/.clean".*
	CARTO_TIMING=1 "$CARTO" build --site "$S/site" --out "$S/out" > "$S/log" 2> "$S/err.all" &&
		"$CARTO" build --no-cache --site "$S/site" --out "$S/clean" > "$S/clean.log" 2> "$S/clean.err" &&
		diff -r "$S/out" "$S/clean" > "$S/diff" 2>&1
	st=$?
	snap_counts
	[ "$st" = 0 ] && cmp -s "$S/err" "$S/clean.err" && [ ! -e "$S/.clean.cache/load" ]
	snap_test "$1-same" 'head -c 600 "$S/diff"; diff "$S/err" "$S/clean.err" | head -5'
}
# snap_counts: the diagnostics of $S/err.all without the timing lines into
# $S/err, its counts into $S/counts and $S/records.
snap_counts() {
	grep -v '^carto: [a-z-]* *[0-9.]* ms\|^carto: xlsx-rows\|^carto: cartographies\|^carto: load-snapshot\|^carto: load-ids \|^carto: load-records \|^carto: load-records-listed \|^carto: pdf pages put back\|^carto: pdf entries replayed\|^carto: pdf drawings kept\|^carto: pdf booklets spliced\|^carto: pieces rendered=\|^carto: pieces bytes written=\|^carto: fingerprint-output \|^carto: suites-memo \|^carto: search-groups \|^carto: search-files \|^carto: near-lists \|^carto: html-maps \|^carto: html-printed \|^carto: publish-folders \|^carto: cache-parts \|^carto: cache-index \|^carto: malloc-tunables ' "$S/err.all" > "$S/err"
	{ sed -n 's/^carto: load-snapshot \([0-9]*\) files taken, \([0-9]*\) parsed and put$/\1 \2/p' "$S/err.all"
	  sed -n 's/^carto: load-ids \([0-9]*\) files known by identity, not read$/\1/p' "$S/err.all"; } |
		tr '\n' ' ' | sed 's/ $/\n/' > "$S/counts"
	sed -n 's/^carto: load-records \([0-9]*\) organisations taken converted and checked, \([0-9]*\) files recorded$/\1 \2/p' \
		"$S/err.all" > "$S/records"
	sed -n 's/^carto: load-records-listed [0-9]* records, //p' "$S/err.all" > "$S/listed"
}
taken() { cut -d' ' -f1 "$S/counts"; }
parsed() { cut -d' ' -f2 "$S/counts"; }
unread() { cut -d' ' -f3 "$S/counts"; }

# The first build parses every file and puts it; the second takes them all.
snap_build first
[ -s "$SNAP" ] && [ "$(taken)" = 0 ] && [ "$(parsed)" -gt 30 ]
snap_test first-puts 'cat "$S/counts"'
all=$(parsed)
snap_build again
[ "$(taken)" = "$all" ] && [ "$(parsed)" = 0 ]
snap_test again-takes 'cat "$S/counts"; echo "of $all"'
# The territory's GeoJSON files are read at every build (their bytes are
# its digest), their trees taken from the snapshot as the YAML files'.
yaml=$((all - $(find "$S/site/referentiels/geo" -name '*.geojson' | wc -l)))

# A file whose identity (device, inode, size, times, mode) is the one the
# last build read is not read again: its digest comes from load.ids. Only
# site.yaml, touched by snap_build, is read (the build before may have
# found the files' times too near its start to trust them: this is the
# one after).
IDS="$SNAP.ids"
snap_build known
[ -s "$IDS" ] && [ "$(taken)" = "$all" ] && [ "$(unread)" = $((yaml - 1)) ]
snap_test known-not-read 'cat "$S/counts"; echo "of $all"'
# A file whose times are not older than the build's start is read, and
# read again by the next build: a change within the clock's tick would not
# change its identity (racy, as git's index says).
cp -p "$ORG" "$S/org.orig"
touch -d '+1 hour' "$ORG"
snap_build racy
snap_build racy-again
[ "$(taken)" = "$all" ] && [ "$(unread)" = $((yaml - 2)) ]
snap_test racy-read-again 'cat "$S/counts"'
touch -r "$S/org.orig" "$ORG"
# The table damaged (one byte), or gone: every file is read, the trees are
# taken, the bytes are the same; the next build writes it again.
# (a byte other than the one there: offset 40 is in the first path, which
# holds the random name of the test's folder, and may be a Z)
[ "$(dd if="$IDS" bs=1 skip=40 count=1 2> /dev/null)" = Z ] && z=Y || z=Z
printf '%s' "$z" | dd of="$IDS" bs=1 seek=40 conv=notrunc 2> /dev/null
snap_build ids-damaged
[ "$(taken)" = "$all" ] && [ "$(unread)" = 0 ]
snap_test ids-damaged-reads 'cat "$S/counts"'
rm -f "$IDS"
snap_build ids-gone
[ "$(taken)" = "$all" ] && [ "$(unread)" = 0 ] && [ -s "$IDS" ]
snap_test ids-gone-reads 'cat "$S/counts"'
snap_build ids-back
[ "$(unread)" = $((yaml - 1)) ]
snap_test ids-back-not-read 'cat "$S/counts"'
# The snapshot's records are listed beside it (<snapshot>.recs, written
# with it): a load reads the listing rather than walking the records'
# heads through the file. Damaged or gone, the heads are walked (the trees
# taken all the same), and the listing is written again.
RECS="$SNAP.recs"
[ -s "$RECS" ] && [ "$(cat "$S/listed")" = "from the listing" ]
snap_test recs-listed 'cat "$S/listed"; ls -la "$S/.out.cache"'
printf 'Z' | dd of="$RECS" bs=1 seek=30 conv=notrunc 2> /dev/null
snap_build recs-damaged
[ "$(cat "$S/listed")" = "heads walked" ] && [ "$(taken)" = "$all" ]
snap_test recs-damaged-walked 'cat "$S/listed" "$S/counts"'
rm -f "$RECS"
snap_build recs-gone
[ "$(cat "$S/listed")" = "heads walked" ] && [ "$(taken)" = "$all" ] && [ -s "$RECS" ]
snap_test recs-gone-walked 'cat "$S/listed" "$S/counts"'
snap_build recs-back
[ "$(cat "$S/listed")" = "from the listing" ] && [ "$(taken)" = "$all" ]
snap_test recs-back-listed 'cat "$S/listed" "$S/counts"'
# What a killed build leaves in the cache's folder (a file written to be
# renamed over one of its own, named after the build's process) is removed
# by the next build once that process is gone, and only then.
gone=$(sh -c 'echo $$')
for f in "index.$gone.tmp" "index.$gone.q1.tmp" "load.$gone.tmp" "load.ids.$gone.tmp" \
    "load.recs.$gone.tmp" "suites.$gone.tmp"; do
	echo x > "$S/.out.cache/$f"
done
echo x > "$S/.out.cache/load.recs.$$.tmp"	# a process that runs
echo x > "$S/.out.cache/load.recs.x$gone.tmp"	# not a name carto writes
snap_build leftovers
[ "$(ls "$S/.out.cache" | grep -c "\.$gone[.a-z0-9]*\.tmp\$")" = 0 ] &&
	[ -e "$S/.out.cache/load.recs.$$.tmp" ] && [ -e "$S/.out.cache/load.recs.x$gone.tmp" ]
snap_test leftovers-removed 'ls -a "$S/.out.cache"'
rm -f "$S/.out.cache/load.recs.$$.tmp" "$S/.out.cache/load.recs.x$gone.tmp"
# Times no nanosecond count holds (after 2262: touch -d 2300-01-01): on
# a site file, the snapshot and its listing, an output file. Never an
# overflow (the build under UBSan would stop), the bytes of a clean build,
# and the site file is read again at every build (such a time is never
# older than a build's start).
touch -d '2300-01-01' "$ORG" "$SNAP" "$SNAP.recs" "$S/out/index.html"
snap_build future
snap_build future-again
[ "$(unread)" = $((yaml - 2)) ]
snap_test future-read-again 'cat "$S/counts"'
touch "$ORG"
# The snapshot gone but not the table: the identities name trees it no
# longer holds, so every file is read (and parsed).
mv "$SNAP" "$S/snap.kept"
snap_build ids-without-trees
[ "$(taken)" = 0 ] && [ "$(parsed)" = "$all" ] && [ "$(unread)" = 0 ]
snap_test ids-without-trees-reads 'cat "$S/counts"'

# A change of the same size with the file's modification time put back: it
# is parsed again (the key is the bytes, not the stat), and the new name is
# in the output.
cp -p "$ORG" "$S/org.orig"
sed -i 's/^  nom: "Accueil et Langues Nanterre"/  nom: "Accueil et Langues Nanterrf"/' "$ORG"
touch -r "$S/org.orig" "$ORG"
[ "$(stat -c %s "$ORG")" = "$(stat -c %s "$S/org.orig")" ] && ! cmp -s "$ORG" "$S/org.orig"
snap_test same-size-edit
snap_build same-size
[ "$(taken)" = $((all - 1)) ] && [ "$(parsed)" = 1 ] && [ "$(unread)" = $((yaml - 2)) ] &&
	grep -rq "Langues Nanterrf" "$S/out"
snap_test same-size-parsed 'cat "$S/counts"'

# Warnings given while parsing (a control character) and while converting
# (an empty list of types) are the same, at the same line and column, when
# the file comes from the snapshot.
sed -i 's/^  nom: "Accueil et Langues Nanterrf"/  nom: "Accueil et Langues\\x1F Nanterre"/; 0,/^      types: \[fli, fle\]/s//      types: []/' "$ORG"
snap_build warned
grep -q 'accueil-et-langues-nanterre.yaml:3:[0-9]*: warning: U+001F' "$S/err" &&
	grep -q "accueil-et-langues-nanterre.yaml:[0-9]*:[0-9]*: warning: 'types' is empty" "$S/err" &&
	[ "$(parsed)" = 1 ]
snap_test warned-parsed 'cat "$S/counts" "$S/err"'
cp "$S/err" "$S/err.parsed"
snap_build warned-again
[ "$(taken)" = "$all" ] && cmp -s "$S/err" "$S/err.parsed"
snap_test warned-replayed 'cat "$S/counts"; diff "$S/err.parsed" "$S/err"'

# A byte changed inside the snapshot, in the warned file's name, in its
# tree and in its organisations' record (data/orgrec.h; the last two
# records put): neither checks, its file is parsed, the build is right
# (taken, the pages would show the byte); the next build writes the
# snapshot again, whole.
n=$(stat -c %s "$SNAP")
for at in $(grep -boa 'et Langues' "$SNAP" | tail -2 | cut -d: -f1); do
	printf 'Z' | dd of="$SNAP" bs=1 seek="$at" conv=notrunc 2> /dev/null
done
rm -rf "$S/.out.cache/index" "$S/.out.cache/pieces"	# every document rendered from the model
snap_build corrupt
[ "$(taken)" = $((all - 1)) ] && [ "$(parsed)" = 1 ]
snap_test corrupt-parsed 'cat "$S/counts"'
snap_build corrupt-repaired
[ "$(taken)" = "$all" ]
snap_test corrupt-repaired-takes 'cat "$S/counts"'
# The snapshot is mapped, not read (data/snap.c), unless its size is a
# multiple of the page (the byte after it must read as 0): then it is read.
# Padded with zeros to a page's multiple, its records are all taken, the
# padding is torn bytes, and the next build writes it again, whole.
page=$(getconf PAGESIZE)
pad=$(( (page - $(stat -c %s "$SNAP") % page) % page ))
{ [ "$pad" = 0 ] || head -c "$pad" /dev/zero >> "$SNAP"; } && [ $(($(stat -c %s "$SNAP") % page)) = 0 ]
snap_test page-multiple-padded
snap_build page-multiple
[ "$(taken)" = "$all" ] && [ "$(parsed)" = 0 ] && [ $(($(stat -c %s "$SNAP") % page)) != 0 ]
snap_test page-multiple-read 'cat "$S/counts"; stat -c %s "$SNAP"'
snap_build page-multiple-again
[ "$(taken)" = "$all" ]
snap_test page-multiple-mapped 'cat "$S/counts"'
# Truncated in the middle: the records before are taken, the others parsed.
truncate -s $((n / 2)) "$SNAP"
snap_build truncated
[ "$(taken)" -gt 0 ] && [ "$(taken)" -lt "$all" ] && [ "$(($(taken) + $(parsed)))" = "$all" ]
snap_test truncated-partly 'cat "$S/counts"'
# Not a snapshot at all, or empty: every file parsed.
head -c 5000 /dev/urandom > "$SNAP"
snap_build garbage
[ "$(taken)" = 0 ] && [ "$(parsed)" = "$all" ]
snap_test garbage-ignored 'cat "$S/counts"'
: > "$SNAP"
snap_build empty
[ "$(taken)" = 0 ] && [ "$(parsed)" = "$all" ]
snap_test empty-ignored 'cat "$S/counts"'
# --no-cache neither reads nor writes it.
rm -f "$SNAP"
CARTO_TIMING=1 "$CARTO" build --no-cache --site "$S/site" --out "$S/out" > "$S/log" 2> "$S/err.all" &&
	! grep -q load-snapshot "$S/err.all" && [ ! -e "$SNAP" ]
snap_test no-cache-ignores 'cat "$S/err.all"'
# carto check takes the trees of the default output's snapshot (it never
# writes one), and reports the same.
"$CARTO" build --site "$S/site" > /dev/null 2>&1
CARTO_TIMING=1 "$CARTO" check --site "$S/site" > /dev/null 2> "$S/check.all" &&
	grep -q "^carto: load-snapshot $all files taken, 0 parsed" "$S/check.all"
snap_test check-takes 'grep load-snapshot "$S/check.all"'

# The same site built from another working folder, named otherwise (".",
# then its path from the folder above): the documents' keys hold the
# organisations' and pages' paths in the site, not as named, so every
# document is put back, and the bytes are those of a clean build.
W=$(pwd)
case "$CARTO" in /*) CA=$CARTO ;; *) CA="$W/$CARTO" ;; esac
rm -rf "$S/rel" "$S/.rel".*
(cd "$S/site" && "$CA" build --site . --out ../rel > /dev/null 2>&1)
touch "$S/site/site.yaml"
(cd "$S" && "$CA" build --site site --out rel > "$S/log" 2>&1) &&
	rm -rf "$S/clean" "$S/.clean".* && "$CA" build --no-cache --site "$S/site" --out "$S/clean" > /dev/null 2>&1 &&
	diff -r "$S/rel" "$S/clean" > /dev/null &&
	grep -q '^carto: [0-9]* documents reused from the build cache, 0 rendered$' "$S/log"
snap_test other-folder-reuses 'cat "$S/log"'

# A snapshot that cannot be written (a folder in its place) is a warning,
# and the build leaves no fingerprint: once the folder is gone, the next
# build runs (it does not replay the warning) and writes the snapshot.
rm -rf "$S/out" "$S/.out".*
mkdir -p "$SNAP"
"$CARTO" build --site "$S/site" --out "$S/out" > "$S/log" 2>&1 &&
	grep -q 'warning: cannot write the load snapshot' "$S/log"
snap_test unwritable-warns 'cat "$S/log"'
rmdir "$SNAP"
sleep 0.02	# past the clock tick of the build's start (tests/cache.sh says why)
"$CARTO" build --site "$S/site" --out "$S/out" > "$S/log" 2>&1 &&
	! grep -q 'nothing changed\|cannot write the load snapshot' "$S/log" && [ -s "$SNAP" ]
snap_test unwritable-then-written 'cat "$S/log"; ls -la "$S/.out.cache"'

# Another program cutting the mapped snapshot short in place (carto never
# does) while a build reads it (CARTO_TEST_PAUSE_LOAD: the build waits once
# it is mapped): the pages past the new end are gone, and reading them
# raises SIGBUS. The build stops with a clear error instead of dying of it:
# a non-zero status but not a signal's, the output as it was, the snapshot
# removed; the next build parses again and gives the bytes of a clean build.
rm -rf "$S/out.before"
cp -a "$S/out" "$S/out.before"
printf '# cut\n' >> "$ORG"
sleep 0.02
rm -f "$S/log.cut"	# wait_line: no line of an earlier build
CARTO_TEST_PAUSE_LOAD=3 "$CARTO" build --site "$S/site" --out "$S/out" > "$S/log.cut" 2>&1 &
pid=$!
wait_line '^carto: paused with the load snapshot open' "$S/log.cut"
snap_test cut-paused 'cat "$S/log.cut"'
: > "$SNAP"
wait $pid
st=$?
[ "$st" = 1 ] && grep -q 'error: the load snapshot .* was cut short by another program' "$S/log.cut" &&
	diff -r "$S/out" "$S/out.before" > /dev/null && [ ! -e "$SNAP" ] && [ ! -e "$IDS" ]
snap_test cut-while-mapped-stops "echo status \$st; cat \"\$S/log.cut\"; ls -la \"\$S/.out.cache\""
snap_build cut-then-parsed
[ "$(taken)" = 0 ] && [ "$(parsed)" = "$all" ]
snap_test cut-then-parses-all 'cat "$S/counts"; echo "of $all"'
rm -rf "$S/out.before"

# The organisations' records (data/orgrec.h): an organisation file whose
# identity the last load read is taken as an earlier build converted and
# checked it, when its bytes, every other input (site.yaml, vocabularies,
# référentiels, territory) and the day are those it was recorded with; only
# a file whose own diagnostics hold no error is recorded. Each build below
# gives the bytes and the diagnostics of a clean one (snap_build).
orgs_taken() { cut -d' ' -f1 "$S/records"; }
recorded() { cut -d' ' -f2 "$S/records"; }
norgs=$(cat "$S/log" "$S/err.all" | sed -n 's/^carto: published .*: \([0-9]*\) organisations, .*/\1/p')
nfiles=$(find "$S/site/content/organismes" -name '*.yaml' | wc -l)
snap_build records
snap_build records-taken
[ "$norgs" -gt 30 ] && [ "$(orgs_taken)" = "$norgs" ] && [ "$(recorded)" = 0 ] && [ "$(taken)" = "$all" ]
snap_test records-all-taken 'cat "$S/records" "$S/counts"; echo "of $norgs"'
# A field changed in one file: that file alone is converted, checked and
# recorded again.
sed -i 's/telephone: "01 47 21 66 08"/telephone: "01 47 21 66 09"/' "$ORG"
snap_build record-field
[ "$(orgs_taken)" = $((norgs - 1)) ] && [ "$(recorded)" = 1 ] && grep -rq "01 47 21 66 09" "$S/out"
snap_test record-field-converted 'cat "$S/records"'
# A commune renamed, no organisation file changed: every file is converted
# and checked again (a lieu that names it is now warned about), and the next
# build takes them all again.
sed -i 's/^92050,Nanterre,/92050,Nanterre-Ville,/' "$S/site/referentiels/geo/communes.csv"
snap_build record-commune
[ "$(orgs_taken)" = 0 ] && [ "$(recorded)" = "$nfiles" ] &&
	grep -q "warning: commune 'Nanterre' is named 'Nanterre-Ville' for code_insee 92050" "$S/err"
snap_test record-commune-checked 'cat "$S/records"'
snap_build record-commune-again
[ "$(orgs_taken)" = "$norgs" ] && grep -q "is named 'Nanterre-Ville'" "$S/err"
snap_test record-commune-taken 'cat "$S/records"'
# A vocabulary's label, then a référentiel's title changed: the same.
sed -i 's/^  association: "Association"/  association: "Association loi 1901"/' "$S/site/referentiels/vocabulaires.yaml"
snap_build record-vocabulary
[ "$(orgs_taken)" = 0 ] && [ "$(recorded)" = "$nfiles" ]
snap_test record-vocabulary-checked 'cat "$S/records"'
sed -i 's/^  titre: "CléA – Socle de connaissances/  titre: "CléA (révisé) – Socle de connaissances/' "$S/site/referentiels/clea.yaml"
snap_build record-referentiel
[ "$(orgs_taken)" = 0 ] && [ "$(recorded)" = "$nfiles" ]
snap_test record-referentiel-checked 'cat "$S/records"; head -5 "$S/site/referentiels/clea.yaml"'
# A byte changed in one record (the last one holding the new telephone,
# put by the build above; its tree holds it too, before it): that record
# does not check; the file's tree is taken and converted, and it is
# recorded again.
at=$(grep -boa '01 47 21 66 09' "$SNAP" | tail -1 | cut -d: -f1)
printf 'Z' | dd of="$SNAP" bs=1 seek="$at" conv=notrunc 2> /dev/null
snap_build record-damaged
[ "$(orgs_taken)" = $((norgs - 1)) ] && [ "$(recorded)" = 1 ] && [ "$(taken)" = "$all" ] && [ "$(parsed)" = 0 ]
snap_test record-damaged-converted 'cat "$S/records" "$S/counts"'
snap_build record-repaired
[ "$(orgs_taken)" = "$norgs" ]
snap_test record-repaired-taken 'cat "$S/records"'
# Another day (the freshness warning reads it): checked again; its
# warnings come back from the records the next build.
export SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 3 * 365 * 86400))
snap_build record-later
[ "$(orgs_taken)" = 0 ] && grep -q "warning: mise_a_jour is [0-9]* days old" "$S/err"
snap_test record-later-checked 'cat "$S/records"'
snap_build record-later-again
[ "$(orgs_taken)" = "$norgs" ] && grep -q "warning: mise_a_jour is [0-9]* days old" "$S/err"
snap_test record-later-warned 'cat "$S/records"'
export SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH - 3 * 365 * 86400))
snap_build record-today
! grep -q "days old" "$S/err"
snap_test record-today-fresh 'cat "$S/records"'
# The territory's outlines are kept as read (load_geo.c: a record of each
# GeoJSON file's shapes, keyed on its bytes); a byte changed in one (in
# Seine-et-Marne's name, after its code, which the pages show): its file's
# tree is taken, or the file parsed, and the build is the same; the next
# one takes it again.
at=$(grep -obUaP '77\x00\x01\x0eSeine-et-Marne' "$SNAP" | tail -1 | cut -d: -f1)
[ -n "$at" ] && printf 'Z' | dd of="$SNAP" bs=1 seek=$((at + 6)) conv=notrunc 2> /dev/null
snap_build outlines-damaged
[ -n "$at" ] && [ "$(($(taken) + $(parsed)))" = "$all" ] && grep -rq "Seine-et-Marne" "$S/out"
snap_test outlines-damaged-read 'echo "at $at"; cat "$S/counts"'
snap_build outlines-repaired
[ "$(taken)" = "$all" ] && [ "$(parsed)" = 0 ]
snap_test outlines-repaired-taken 'cat "$S/counts"'
# A département's positions given a fourth member (a measure, as GIS
# exports write it): a warning, once for the feature (load_geo.c,
# warn_extra); its file's outlines are still recorded, with the warning,
# which the next build, taking them, says again.
GEO="$S/site/referentiels/geo/departements.geojson"
cp -p "$GEO" "$S/geo.ok"
sed -i '0,/\[\[\[2\.4276,48\.8416\],\[2\.4245,48\.8419\]/s//[[[2.4276,48.8416],[2.4245,48.8419,35,7]/' "$GEO"
snap_build outlines-extra-members
grep -q "departements.geojson:2:[0-9]*: warning: a position of département '75' has 4 members" "$S/err" &&
	[ "$(grep -c 'has 4 members' "$S/err")" = 1 ]
snap_test outlines-extra-members-warn 'cat "$S/err"'
snap_build outlines-extra-members-again
[ "$(taken)" = "$all" ] && [ "$(parsed)" = 0 ] && [ "$(grep -c "département '75' has 4 members" "$S/err")" = 1 ]
snap_test outlines-extra-members-warn-again 'cat "$S/counts" "$S/err"'
cp -p "$S/geo.ok" "$GEO"
snap_build outlines-extra-members-gone
! grep -q 'has 4 members' "$S/err"
snap_test outlines-extra-members-gone 'cat "$S/err"'
# A file with an error that only validation finds (an unknown offer type),
# built twice: never recorded, so both builds fail with the diagnostics of
# a clean build.
cp -p "$ORG" "$S/org.ok"
sed -i '0,/^      types: \[\]/s//      types: [inconnu]/' "$ORG"
for i in 1 2; do
	touch "$S/site/site.yaml"
	rm -rf "$S/clean" "$S/.clean".*
	CARTO_TIMING=1 "$CARTO" build --site "$S/site" --out "$S/out" > "$S/log" 2> "$S/err.all"
	st=$?
	"$CARTO" build --no-cache --site "$S/site" --out "$S/clean" > "$S/clean.log" 2> "$S/clean.err"
	sc=$?
	snap_counts
	sed -i "s|$S/clean|$S/out|" "$S/clean.err"	# "nothing was published; <out> is unchanged"
	[ "$st" = 1 ] && [ "$sc" = 1 ] && cmp -s "$S/err" "$S/clean.err" && [ "$(recorded)" = 0 ] &&
		[ "$(orgs_taken)" = $((norgs - 1)) ] && grep -q "error: unknown offer type 'inconnu'" "$S/err"
	snap_test "record-error-$i" 'echo "status $st $sc"; cat "$S/records"; diff "$S/err" "$S/clean.err" | head -5'
done
cp -p "$S/org.ok" "$ORG"

# The organisation files known by identity are noted for the build's
# fingerprint (base/fsrec.h) and the next load's table by a thread of
# their own beside the records' decoding (load.c, note_known), not by the
# loading jobs: a file edited in place after a build that knew it, its
# size and modification time kept, makes the next build run (the
# fingerprint holds the file's identity, which the edit changed) and show
# the edit. Each build waits out the clock's tick of the one before.
sleep 0.02
snap_build noted
touch "$S/site/site.yaml"	# the fingerprint of the build above misses
sleep 0.02
CARTO_TIMING=1 "$CARTO" build --site "$S/site" --out "$S/out" > "$S/log" 2> "$S/err.all"
snap_counts
[ "$(orgs_taken)" = "$norgs" ] && [ "$(unread)" -ge $((yaml - 1)) ]
snap_test noted-known 'cat "$S/records" "$S/counts"'
sleep 0.02
"$CARTO" build --site "$S/site" --out "$S/out" > "$S/log" 2>&1 && grep -q 'nothing changed since the last build' "$S/log"
snap_test noted-nothing-changed 'cat "$S/log"'
# (in place: sed -i would rename a new file over it, which changes its
# folder, which the fingerprint holds too)
cp -p "$ORG" "$S/org.orig"
at=$(grep -bo '01 47 21 66 09' "$ORG" | head -1 | cut -d: -f1)
[ -n "$at" ] && printf '07' | dd of="$ORG" bs=1 seek=$((at + 12)) conv=notrunc 2> /dev/null
touch -r "$S/org.orig" "$ORG"
[ "$(stat -c %s "$ORG")" = "$(stat -c %s "$S/org.orig")" ] && grep -q '01 47 21 66 07' "$ORG"
snap_test noted-same-size-edit
sleep 0.02
"$CARTO" build --site "$S/site" --out "$S/out" > "$S/log" 2>&1 && ! grep -q 'nothing changed' "$S/log" &&
	grep -rq "01 47 21 66 07" "$S/out" && ! grep -rq "01 47 21 66 09" "$S/out"
snap_test noted-edit-seen 'cat "$S/log"'

# The organisations taken from their records point into the snapshot's
# bytes (data/orgrec.h), so the build keeps it mapped until it publishes:
# cut short while the HTML reads them (CARTO_TEST_PAUSE_RENDER: the build
# waits before the HTML; a comment added to the organisations' template
# makes every page of theirs rendered again, from records), the build
# stops before publishing as it does during the load. An organisation
# renamed as well has its group of the search index indexed again in the
# HTML, from the 0s read in the snapshot's place: what the cache keeps
# for the next build (the notes, the lists of pieces, the suites memo) is
# not written from them, so the build after gives a clean build's bytes.
sleep 0.02
snap_build render-cut-before
[ "$(orgs_taken)" = "$norgs" ]
snap_test render-cut-records 'cat "$S/records"'
printf '{{! a comment: the pages render again, the same }}\n' >> "$S/site/themes/default/templates/organisme.mustache"
sed -i '0,/^  nom: "\(.*\)"/s//  nom: "\1 (renommée)"/' "$ORG"
grep -q '^  nom: ".* (renommée)"' "$ORG"
snap_test render-cut-renamed
rm -rf "$S/out.before"
cp -a "$S/out" "$S/out.before"
sleep 0.02
rm -f "$S/log.cut"
CARTO_TEST_PAUSE_RENDER=3 "$CARTO" build --site "$S/site" --out "$S/out" > "$S/log.cut" 2>&1 &
pid=$!
wait_line '^carto: paused before the HTML' "$S/log.cut"
snap_test render-cut-paused 'cat "$S/log.cut"'
: > "$SNAP"
wait $pid
st=$?
[ "$st" = 1 ] && grep -q 'error: the load snapshot .* was cut short by another program' "$S/log.cut" &&
	diff -r "$S/out" "$S/out.before" > /dev/null && [ ! -e "$SNAP" ] && [ ! -e "$IDS" ]
snap_test render-cut-stops "echo status \$st; cat \"\$S/log.cut\"; ls -la \"\$S/.out.cache\""
# That error alone: what the HTML made of the 0s (a page written at
# organismes//index.html) is not said as a fault of its own.
[ "$(grep -c 'error' "$S/log.cut")" = 1 ]
snap_test render-cut-says-only-the-cut 'cat "$S/log.cut"'
snap_build render-cut-then-parsed
[ "$(taken)" = 0 ] && [ "$(parsed)" = "$all" ]
snap_test render-cut-then-parses-all 'cat "$S/counts"; echo "of $all"'
rm -rf "$S/out.before"

# glibc's allocator tuned for the load (main.c, tune_malloc): carto runs
# itself again once with its tunables, unless the user set GLIBC_TUNABLES
# (even empty).
if ldd "$CARTO" 2>/dev/null | grep -q 'libc\.so\.6'; then
	tuned=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864
	env -u GLIBC_TUNABLES -u CARTO_MALLOC_TUNED CARTO_TIMING=1 "$CARTO" check --site "$S/site" > /dev/null 2> "$S/tune.err"
	grep -qx "carto: malloc-tunables $tuned" "$S/tune.err"
	snap_test malloc-tuned 'grep malloc "$S/tune.err"'
	GLIBC_TUNABLES=glibc.malloc.perturb=0 CARTO_TIMING=1 "$CARTO" check --site "$S/site" > /dev/null 2> "$S/tune.err"
	grep -qx "carto: malloc-tunables glibc.malloc.perturb=0" "$S/tune.err"
	snap_test malloc-user-tunables-kept 'grep malloc "$S/tune.err"'
fi
