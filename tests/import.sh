# carto import lheo, sourced by run.sh with CARTO, LABEL and TMP set and
# ok/fail defined. Each file of tests/import/cases/ is one regression case:
# NAME.xml is imported into a copy of tests/check/base that already holds a
# previous import of it, and what carto prints (stderr, then stdout) is
# compared with NAME.expected. When the expected output has an error, the
# exit status must be 1 and the previous import must be untouched; otherwise
# the written file must pass carto check. A FIFO named secret.fifo sits beside
# each file: an XML file that reaches it (XXE) blocks, and the case times out.

# imp_test NAME STATUS [DETAIL]: the status is passed explicitly, since a
# $(…) in the call would reset $?.
imp_test() { [ "$2" = 0 ] && ok "$LABEL import/$1" || fail "$LABEL import/$1${3:+: $3}"; }

for xml in tests/import/cases/*.xml; do
	name=$(basename "$xml" .xml)
	site="$TMP/imp-$name"
	rm -rf "$site"
	cp -r tests/check/base "$site"
	cp "$xml" "$site/"
	mkfifo "$site/secret.fifo"
	prev="$site/content/organismes/lheo-$name.yaml"
	printf '# previous import\norganismes: []\n' > "$prev"
	(cd "$site" && timeout 20 "$CARTO" import lheo "$name.xml" > out.txt 2> err.txt)
	rc=$?
	cat "$site/err.txt" "$site/out.txt" > "$site/got.txt"
	expected="tests/import/cases/$name.expected"
	[ -n "${CARTO_REGEN:-}" ] && cp "$site/got.txt" "$expected"
	want=0
	grep -q ': error: ' "$expected" 2> /dev/null && want=1
	if [ ! -f "$expected" ]; then
		fail "$LABEL import/$name: no $name.expected"
	elif ! diff -u "$expected" "$site/got.txt" > "$TMP/imp.diff"; then
		fail "$LABEL import/$name: output differs"
		head -20 "$TMP/imp.diff"
	elif [ "$rc" != "$want" ]; then
		fail "$LABEL import/$name: exit status $rc, expected $want"
	elif [ $want = 1 ] && [ "$(cat "$prev")" != "$(printf '# previous import\norganismes: []')" ]; then
		fail "$LABEL import/$name: the previous import was changed by a failed one"
	elif ls "$site"/content/organismes/.lheo-* > /dev/null 2>&1; then
		fail "$LABEL import/$name: a temporary file was left"
	elif [ $want = 0 ] && ! (cd "$site" && rm secret.fifo && "$CARTO" check > /dev/null 2> check.txt); then
		fail "$LABEL import/$name: the import does not pass carto check"
		head -5 "$site/check.txt"
	else
		ok "$LABEL import/$name"
	fi
done

# The repository's example imports its LHÉO file into exactly the committed
# YAML (deterministic, and up to date with the XML).
rm -rf "$TMP/imp-ex"
mkdir -p "$TMP/imp-ex/content"
cp -r site.yaml referentiels "$TMP/imp-ex/"
cp -r content/lheo "$TMP/imp-ex/content/"
(cd "$TMP/imp-ex" && "$CARTO" import lheo content/lheo/offre-francais-idf.xml > out.txt 2> err.txt) &&
	[ ! -s "$TMP/imp-ex/err.txt" ] &&
	cmp -s "$TMP/imp-ex/content/organismes/lheo-offre-francais-idf.yaml" content/organismes/lheo-offre-francais-idf.yaml
st=$?
imp_test example-deterministic "$st" "$(head -3 "$TMP/imp-ex/err.txt" 2>/dev/null)"

# A second import of the same file changes nothing and says so; a changed
# name is one changed organisation; a removed formation, one removed.
(cd "$TMP/imp-ex" && "$CARTO" import lheo content/lheo/offre-francais-idf.xml > out2.txt 2>&1) &&
	grep -q 'since the previous import: 0 added, 0 changed, 0 removed' "$TMP/imp-ex/out2.txt"
st=$?
imp_test reimport-unchanged "$st"
sed -i 's/Centre social des Pyramides<\/nom-organisme>/Centre social Les Pyramides<\/nom-organisme>/' \
	"$TMP/imp-ex/content/lheo/offre-francais-idf.xml"
(cd "$TMP/imp-ex" && "$CARTO" import lheo content/lheo/offre-francais-idf.xml > out3.txt 2>&1) &&
	grep -q '0 added, 1 changed (lheo-78412359000019), 0 removed' "$TMP/imp-ex/out3.txt"
st=$?
imp_test reimport-changed "$st" "$(cat "$TMP/imp-ex/out3.txt")"

# content/organismes as a link that leads out of the site: nothing is
# written through it.
L="$TMP/imp-link"
rm -rf "$L" "$L-outside"
mkdir -p "$L-outside"
cp -r tests/check/base "$L"
rm -rf "$L/content/organismes"
ln -s "$L-outside" "$L/content/organismes"
"$CARTO" import lheo content/lheo/offre-francais-idf.xml --site "$L" > /dev/null 2> "$L.err"
rc=$?
[ $rc = 1 ] && grep -q 'content/organismes: error: .*outside the site' "$L.err" && [ -z "$(ls -A "$L-outside")" ]
st=$?
imp_test link-out-of-site "$st" "exit $rc, $(tail -2 "$L.err")"
rm -rf "$L" "$L-outside"

# The real ONISEP export (LHÉO 2.2): its lieu in Brittany is reported outside
# the territory; with a territory and a table that include it, the whole
# formation comes in and passes carto check.
ONISEP=../shared/spec/lheo/exemple-onisep-2.2.xml
if [ -f "$ONISEP" ]; then
	S="$TMP/imp-onisep"
	rm -rf "$S"
	cp -r tests/check/base "$S"
	"$CARTO" import lheo "$ONISEP" --site "$S" > "$S/out.txt" 2> "$S/err.txt" &&
		grep -q 'exemple-onisep-2.2.xml:43: warning: lieu in QUIMPERLÉ 29233 is outside the territory' "$S/err.txt" &&
		grep -q '0 organisations, 0 offers.*1 action read' "$S/out.txt" &&
		grep -q '1: lieu outside the territory (line 32)' "$S/out.txt"
	st=$?
	imp_test onisep-outside "$st" "$(cat "$S/err.txt" "$S/out.txt")"
	cp -r tests/import/bretagne/. "$S/"
	"$CARTO" import lheo "$ONISEP" --site "$S" > "$S/out.txt" 2> "$S/err.txt" &&
		grep -q '1 organisation, 1 offer, 1 lieu, 1 session (1 formation, 1 action read)' "$S/out.txt" &&
		(cd "$S" && "$CARTO" check > /dev/null 2>&1) &&
		y="$S/content/organismes/lheo-exemple-onisep-2-2.yaml" &&
		grep -q 'nom: "Lycée Kerneuzec"' "$y" && grep -q 'commune: "Quimperlé"' "$y" &&
		grep -q 'site_web: "https://lyceedekerneuzec.fr"' "$y" &&
		grep -q 'geo: { lat: 47.882108, lon: -3.552655 }' "$y" &&
		grep -q 'objectif: "A la fois vendeur' "$y" && grep -q '\*\*Les objectifs :\*\*' "$y" &&
		grep -q '\\n\\n- Gestion de clientèles' "$y" && grep -q 'Plus d'"'"'informations : <https://lyceedekerneuzec.fr>' "$y" &&
		grep -q 'certification: { code_rncp: "474"' "$y" &&
		grep -q 'debut: 2015-09-01, fin: 2017-08-31' "$y" &&
		grep -q 'telephone: "02 98 96 48 00", courriel: "ce.0290076a@ac-rennes.fr"' "$y" &&
		! grep -q 'raison_sociale\|"-"\|&lt;\|<p>' "$y"
	st=$?
	imp_test onisep-complete "$st" "$(cat "$S/err.txt" "$S/out.txt")"
else
	echo "skip import/onisep: $ONISEP not found"
fi

# The exports of the example site: data/lheo/offres.xml follows the LHÉO 2.3
# definition element by element; the data·inclusion files pass the v1 JSON
# Schemas (Debian's python3-jsonschema); the data page links them with their
# size. Then the round trip: the export imported into a site without the
# example's organisations gives the same three imported ones, byte for byte, and the
# whole export (every organisation with a SIRET) passes carto check.
X="$TMP/ex-out"
[ -f "$X/data/lheo/offres.xml" ] || "$CARTO" build --out "$X" > /dev/null 2>&1
DEF=../shared/spec/lheo/lheo-gml-2.3.xml
if [ -f "$DEF" ]; then
	python3 tests/lheo_check.py "$DEF" "$X/data/lheo/offres.xml" > "$TMP/lheo-check.txt" 2>&1
	st=$?
	imp_test export-lheo-definition "$st" "$(tail -5 "$TMP/lheo-check.txt")"
else
	echo "skip import/export-lheo-definition: $DEF not found"
fi
PYJS=$(python_with jsonschema)
if [ ! -d ../shared/spec/data-inclusion/v1 ]; then
	echo "skip import/export-data-inclusion-schema: ../shared/spec/data-inclusion/v1 not found"
elif [ -n "$PYJS" ]; then
	"$PYJS" tests/inclusion_check.py ../shared/spec/data-inclusion/v1 "$X" > "$TMP/di-check.txt" 2>&1
	st=$?
	imp_test export-data-inclusion-schema "$st" "$(tail -5 "$TMP/di-check.txt")"
else
	fail "$LABEL import/export-data-inclusion-schema: python3-jsonschema is missing (make test installs it)"
fi
grep -q 'href="lheo/offres.xml">lheo/offres.xml</a> (LHÉO 2.3, [0-9]* Ko)' "$X/data/index.html" &&
	grep -q 'href="data-inclusion/services.json">.*(JSON, [0-9]* Ko)' "$X/data/index.html"
st=$?
imp_test export-linked-with-size "$st"
R="$TMP/imp-roundtrip"
rm -rf "$R"
mkdir -p "$R/content"
cp -r site.yaml referentiels "$R/"
cp -r content/cartographies content/pages "$R/content/"
"$CARTO" import lheo "$X/data/lheo/offres.xml" --site "$R" > "$R/out.txt" 2> "$R/err.txt"
for id in 45218763200014 51234987600027 78412359000019; do
	awk -v id="  - id: lheo-$id" '$0 == id { on = 1; print; next } /^  - id: / { on = 0 } on' 		content/organismes/lheo-offre-francais-idf.yaml
done > "$R/want.txt"
for id in 45218763200014 51234987600027 78412359000019; do
	awk -v id="  - id: lheo-$id" '$0 == id { on = 1; print; next } /^  - id: / { on = 0 } on' 		"$R/content/organismes/lheo-offres.yaml"
done > "$R/got.txt"
offers=$(grep -c '^<formation ' "$X/data/lheo/offres.xml")
[ -s "$R/want.txt" ] && cmp -s "$R/want.txt" "$R/got.txt" && [ ! -s "$R/err.txt" ] &&
	grep -q " $offers offers" "$R/out.txt" && (cd "$R" && "$CARTO" check > /dev/null 2>&1)
st=$?
imp_test export-roundtrip "$st" "$(diff "$R/want.txt" "$R/got.txt" | head -5; head -3 "$R/err.txt")"
# Every organisation the export carries, hand-written ones included, comes
# back with its id and every field (tests/import/roundtrip.py says what LHÉO
# cannot carry: organisations without a SIRET, offers without a lieu, lieux
# no offer names, meta.source): the carto extras are read back.
python3 tests/import/roundtrip.py . "$R/content/organismes/lheo-offres.yaml" > "$R/rt.txt" 2>&1 &&
	grep -q '^2[0-9] organisations compared, 0 differences$' "$R/rt.txt"
st=$?
imp_test export-roundtrip-every-field "$st" "$(head -8 "$R/rt.txt")"

# An organisation the site already has in another file (its SIRET, or the id
# it would be written with) is skipped with a warning at its first action
# naming that file, and counted: the export imported into the example site
# itself writes no organisation, and the site checks as before (43
# organisations, no SIRET twice).
D="$TMP/imp-dup"
rm -rf "$D"
mkdir -p "$D"
cp -r site.yaml referentiels content "$D/"
"$CARTO" import lheo "$X/data/lheo/offres.xml" --site "$D" > "$D/out.txt" 2> "$D/err.txt"
rc=$?
(cd "$D" && "$CARTO" check > "$D/check.txt" 2>&1)
[ $rc = 0 ] && grep -q ': 0 organisations, 0 offers' "$D/out.txt" &&
	grep -q "^    $offers: organisation already in content/organismes/[a-z0-9-]*\.yaml and other files (line" "$D/out.txt" &&
	grep -q "offres.xml:[0-9]*: warning: organisation 'accueil-et-langues-nanterre' (SIRET 39948215700041) is already in content/organismes/accueil-et-langues-nanterre.yaml:2: its actions are skipped" "$D/err.txt" &&
	grep -q "offres.xml:[0-9]*: warning: organisation 'lheo-45218763200014' (SIRET 45218763200014) is already in content/organismes/lheo-offre-francais-idf.yaml:[0-9]*: its actions are skipped" "$D/err.txt" &&
	grep -q '^carto: 43 organisations, .*: no error, 0 warnings$' "$D/check.txt"
st=$?
imp_test import-skips-organisations-already-there "$st" "exit $rc; $(head -4 "$D/out.txt"; tail -2 "$D/check.txt")"

# Two imports that share a SIRET: in one run, or one after the other, the
# second skips it (the first file named), and the site checks.
rm -rf "$D"
cp -r tests/check/base "$D"
cp tests/import/cases/duplicate-siret.xml "$D/un.xml"
cp tests/import/cases/duplicate-siret.xml "$D/deux.xml"
(cd "$D" && "$CARTO" import lheo un.xml deux.xml > out1.txt 2> err1.txt &&
	"$CARTO" import lheo deux.xml > out2.txt 2> err2.txt && "$CARTO" check > check.txt 2>&1)
rc=$?
[ $rc = 0 ] && grep -q '^deux.xml -> content/organismes/lheo-deux.yaml: 0 organisations' "$D/out1.txt" &&
	grep -q '^    2: organisation already in content/organismes/lheo-un.yaml (line' "$D/out2.txt" &&
	grep -q "^deux.xml:6: warning: organisation 'lheo-45218763200014' (SIRET 45218763200014) is already in content/organismes/lheo-un.yaml:5: its actions are skipped" "$D/err2.txt"
st=$?
imp_test import-two-files-one-siret "$st" "exit $rc; $(cat "$D/out1.txt" "$D/out2.txt" "$D/check.txt" | head -8)"

# The carto extras are input like the rest: an id that is not a slug, or
# that another organisation of the site has, gives way to lheo-<SIRET> (a
# warning), and the file passes carto check.
rm -rf "$D"
mkdir -p "$D/content/organismes"
cp -r site.yaml referentiels "$D/"
cp -r content/cartographies content/pages "$D/content/"
sed 's/"39948215700041"/"39948215700042"/' content/organismes/accueil-et-langues-nanterre.yaml \
	> "$D/content/organismes/accueil-et-langues-nanterre.yaml"
sed 's|<extra info="id">alliance-integration-formation</extra>|<extra info="id">Alliance ../x</extra>|' \
	"$X/data/lheo/offres.xml" > "$D/offres.xml"
(cd "$D" && "$CARTO" import lheo offres.xml > out.txt 2> err.txt && "$CARTO" check > check.txt 2>&1)
rc=$?
[ $rc = 0 ] && grep -q "^offres.xml:[0-9]*: warning: organisation id 'accueil-et-langues-nanterre' of the carto extras is already used in content/organismes/accueil-et-langues-nanterre.yaml:2: lheo-39948215700041 written" "$D/err.txt" &&
	grep -q "^offres.xml:[0-9]*: warning: organisation id 'Alliance ../x' of the carto extras is not a slug" "$D/err.txt" &&
	grep -q '^  - id: lheo-39948215700041$' "$D/content/organismes/lheo-offres.yaml" &&
	grep -q '^  - id: lheo-49267103800063$' "$D/content/organismes/lheo-offres.yaml"
st=$?
imp_test import-extras-id-checked "$st" "exit $rc; $(head -4 "$D/err.txt"; tail -2 "$D/check.txt")"
rm -rf "$D"

# Memory does not grow with the file (issue 15): the peak resident memory of
# the import of 20,000 formations (47 MB) is within 3 MB of that of 5,000
# (build/measure, the kernel's ru_maxrss: not a timed test; keeping every
# organisation, id or offer in memory costs about 6 MB more at 20,000). Plain
# build only: ASan keeps freed memory in quarantine.
[ "$LABEL" = plain ] || return 0

# Entity bombs cost nothing: the file stops at its first declaration, before
# the parser could expand anything (billion-laughs: 10^9 "lol" once
# expanded, quadratic-blowup: 500 MB). Each takes about 8 MB and 0.05 s
# (build/measure); 32 MB and 5 s leave room for a loaded machine, and are
# far below what an expansion costs.
for bomb in billion-laughs quadratic-blowup parameter-entity-loop; do
	B="$TMP/imp-bomb"
	rm -rf "$B"
	cp -r tests/check/base "$B"
	cp "tests/import/cases/$bomb.xml" "$B/"
	(cd "$B" && "$ROOT/build/measure" -- "$CARTO" import lheo "$bomb.xml" > out.txt 2> m.txt < /dev/null)
	m=$(tail -1 "$B/m.txt")
	kb=$(echo "$m" | sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p')
	ms=$(echo "$m" | sed -n 's/.*wall_s=\([0-9]*\)\.\([0-9]\).*/\1\2/p')
	[ -n "$kb" ] && [ -n "$ms" ] && [ "$kb" -lt 32768 ] && [ "$ms" -lt 50 ] &&
		grep -q "^$bomb.xml:[0-9]*: error: the document declares entities" "$B/m.txt"
	st=$?
	imp_test "bounded-$bomb" "$st" "$m"
	rm -rf "$B"
done

G="$TMP/imp-big"
rm -rf "$G"
cp -r tests/check/base "$G"
python3 tests/import/gen_lheo.py 5000 > "$G/small.xml"
python3 tests/import/gen_lheo.py 20000 > "$G/big.xml"
peak() {	# peak KB of importing $1 into $G, after a check of its summary
	# (the big file alone: the two files share their SIRETs, and an import
	# skips the organisations another file of the site has)
	mv "$G/content/organismes/lheo-small.yaml" "$G/small.yaml.away" 2> /dev/null
	(cd "$G" && "$ROOT/build/measure" -- "$CARTO" import lheo "$1.xml" > "$1.out" 2> "$1.m" < /dev/null) &&
		grep -q "$2 offers" "$G/$1.out" && tail -1 "$G/$1.m" | sed 's/.*maxrss_kb=\([0-9]*\).*/\1/'
	st=$?
	[ "$1" = big ] && rm -f "$G/content/organismes/lheo-big.yaml"
	mv "$G/small.yaml.away" "$G/content/organismes/lheo-small.yaml" 2> /dev/null
	return $st
}
small=$(peak small 5000) && big=$(peak big 20000) && [ -n "$small" ] && [ -n "$big" ] &&
	[ "$big" -lt $((small + 3072)) ]
st=$?
imp_test bounded-memory "$st" "peak ${small:-?} KB at 5,000 formations, ${big:-?} KB at 20,000"

# One formation is in memory at a time, and that one is bounded by a small
# multiple of its bytes: one action of 100,000 sessions (11.9 MB) peaks at
# 46.6 MB (3.9 times the file, the ~8 MB of any import included; 85.5 MB
# for 200,000 sessions, 23.8 MB), where libxml2's tree of the formation took
# 147.7 MB (12.4 times; 287.5 MB for 200,000). The bound, 5 times the file,
# leaves room for the allocator and is far below libxml2's tree.
H="$TMP/imp-huge"
rm -rf "$H"
cp -r tests/check/base "$H"
python3 tests/import/gen_lheo.py 1 100000 > "$H/huge.xml"
(cd "$H" && "$ROOT/build/measure" -- "$CARTO" import lheo huge.xml > huge.out 2> huge.m < /dev/null)
kb=$(tail -1 "$H/huge.m" | sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p')
size_kb=$(($(stat -c %s "$H/huge.xml") / 1024))
[ -n "$kb" ] && grep -q '1 offer, 1 lieu, 100000 sessions' "$H/huge.out" && [ "$kb" -lt $((5 * size_kb)) ]
st=$?
imp_test bounded-memory-huge-action "$st" "peak ${kb:-?} KB for a file of $size_kb KB (bound: 5 times); $(head -2 "$H/huge.m")"
rm -rf "$H"

# A failed import leaves nothing behind: a file cut in its middle fails
# after its records went to the spool (more than one run), and the site is
# as it was, the previous import included (the spool is unlinked as soon as
# it is made, the file written has no name until it is renamed).
cp "$G/content/organismes/lheo-small.yaml" "$G/prev.yaml"
head -c 30000000 "$G/big.xml" > "$G/small.xml"
(cd "$G" && find . | sort) > "$TMP/imp-before.txt"
(cd "$G" && "$CARTO" import lheo small.xml > cut.out 2> cut.err < /dev/null)
rc=$?
(cd "$G" && find . | sort | grep -v '^./cut\.') > "$TMP/imp-after.txt"
[ $rc = 1 ] && grep -q 'small.xml:[0-9]*: error: ' "$G/cut.err" &&
	cmp -s "$G/prev.yaml" "$G/content/organismes/lheo-small.yaml" &&
	cmp -s "$TMP/imp-before.txt" "$TMP/imp-after.txt"
st=$?
imp_test failed-import-leaves-nothing "$st" "exit $rc, $(head -2 "$G/cut.err"), $(diff "$TMP/imp-before.txt" "$TMP/imp-after.txt")"

# With the file size limited to 1 MB (ulimit -f), the write of the 2.7 MB
# YAML of 2,000 formations fails (carto ignores SIGXFSZ, which would kill
# it): an error that says why, and nothing left; the file written had no
# name yet, and the previous import is untouched.
python3 tests/import/gen_lheo.py 2000 > "$G/small.xml"
{ (cd "$G" && ulimit -f 1024 && exec "$CARTO" import lheo small.xml > kill.out 2> kill.err < /dev/null); } 2> /dev/null
rc=$?
(cd "$G" && find . | sort | grep -v '^./cut\.\|^./kill\.\|^./core') > "$TMP/imp-after.txt"
[ $rc = 1 ] && grep -q 'File too large' "$G/kill.err" && cmp -s "$G/prev.yaml" "$G/content/organismes/lheo-small.yaml" &&
	cmp -s "$TMP/imp-before.txt" "$TMP/imp-after.txt"
st=$?
imp_test size-limited-import-leaves-nothing "$st" "exit $rc, $(head -3 "$G/kill.err"), $(diff "$TMP/imp-before.txt" "$TMP/imp-after.txt")"
# A killed import leaves nothing either: SIGKILL at its 40th write (strace),
# in the middle of the YAML.
if can_strace "import/killed-import-leaves-nothing"; then
	{ (cd "$G" && exec strace -f -qq -o /dev/null -e trace=write -e inject=write:signal=SIGKILL:when=40 \
		"$CARTO" import lheo small.xml > kill.out 2> kill.err < /dev/null); } 2> /dev/null
	rc=$?
	(cd "$G" && find . | sort | grep -v '^./cut\.\|^./kill\.\|^./core') > "$TMP/imp-after.txt"
	[ $rc -gt 128 ] && cmp -s "$G/prev.yaml" "$G/content/organismes/lheo-small.yaml" &&
		cmp -s "$TMP/imp-before.txt" "$TMP/imp-after.txt"
	st=$?
	imp_test killed-import-leaves-nothing "$st" "exit $rc, $(diff "$TMP/imp-before.txt" "$TMP/imp-after.txt")"
fi
rm -rf "$G"
