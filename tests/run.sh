#!/bin/bash
# The whole test suite: unit tests, one regression case per validation rule,
# whole-site tests (publishing, determinism, safety) and expected-output tests
# (tests/render.sh), first with the plain build, then with the AddressSanitizer
# + UndefinedBehaviorSanitizer build. Ends with one line "N passed, N failed".
#   run.sh --regen   (make regen) rewrites the expected files instead of comparing
#                    them: each regression case's expected.err and
#                    tests/render/expected/; with CASE set, only the case named
#                    CASE (a check case, a render file or a render folder).
set -u
export LC_ALL=C.UTF-8 TZ=UTC SOURCE_DATE_EPOCH=1795000000   # 2026-11-18
cd "$(dirname "$0")/.."
ROOT=$PWD
export ROOT
PASS=0
FAIL=0
TMP=$(mktemp -d /tmp/carto-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok()   { PASS=$((PASS + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   $*"; return 0; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
# can_strace WHAT: whether strace can trace here (tests/deps.sh installs it;
# a container may forbid ptrace); if not, says that WHAT is skipped and why.
can_strace() {
	command -v strace > /dev/null && strace -qq -o /dev/null -e trace=none true 2> /dev/null && return 0
	echo "skip $LABEL $1: strace is missing or cannot trace here (ptrace forbidden)"
	return 1
}

# wait_line PATTERN FILE: waits until a line of FILE (a paused build's
# log) matches PATTERN, for up to 2 minutes (a loaded machine running the
# sanitizers' build can take tens of seconds to get there: a shorter wait
# let a test act before the moment it meant). Returns 1 when it never did.
# FILE must be removed before the build that writes it is started in the
# background: the shell truncates it only once that job runs, and a line
# left in it by an earlier build would match at once (tests/cache.sh's two
# paused builds share one log: the second test then appended to the page
# before the build, which put it back, and failed now and then under load).
wait_line() {
	for _ in $(seq 1200); do
		grep -q "$1" "$2" 2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}

# The first python3 that imports module $1: Debian's modules are in
# /usr/bin/python3, which another python3 on the PATH may not see.
python_with() {
	for p in python3 /usr/bin/python3; do
		"$p" -c "import $1" 2> /dev/null && echo "$p" && return
	done
}

# Counts the "ok"/"FAIL" lines of a test program's output.
count_output() {
	local out=$1
	local p f
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	grep '^FAIL ' -A5 "$out"
	PASS=$((PASS + p))
	FAIL=$((FAIL + f))
}

run_unit() {
	local bin=$1 label=$2
	if "$bin" > "$TMP/unit.out" 2>&1; then :; else
		grep -q '^FAIL ' "$TMP/unit.out" || { cat "$TMP/unit.out" | tail -20; fail "$label: unit tests crashed"; }
	fi
	count_output "$TMP/unit.out"
}

# One regression case: base site + the case's files, compared diagnostics.
run_case() {
	local carto=$1 case=$2 label=$3
	local name site expected got rc want limit
	name=$(basename "$case")
	site="$TMP/case-$name"
	rm -rf "$site"
	cp -r tests/check/base "$site"
	(cd "$case" && find . -type f ! -name expected.err ! -name remove ! -name setup.sh) | while read -r f; do
		mkdir -p "$site/$(dirname "$f")"
		cp "$case/$f" "$site/$f"
	done
	if [ -f "$case/remove" ]; then
		while read -r f; do rm -rf "${site:?}/$f"; done < "$case/remove"
	fi
	[ -f "$case/setup.sh" ] && (cd "$site" && sh "$ROOT/$case/setup.sh")
	got="$TMP/got.err"
	# A guard against a hang, not a measure of speed: the sanitizers run
	# carto several times slower, more so on a loaded machine.
	limit=60
	[ "$label" = plain ] || limit=120
	(cd "$site" && timeout "$limit" "$carto" check > /dev/null 2> "$got")
	rc=$?
	grep -v '^carto: [0-9]* error' "$got" > "$got.d"
	if [ -n "${CARTO_REGEN:-}" ]; then
		cp "$got.d" "$case/expected.err"
	fi
	expected="$case/expected.err"
	want=0
	grep -q ': error: ' "$expected" 2>/dev/null && want=1
	if [ ! -f "$expected" ]; then
		fail "$label check/$name: no expected.err"
	elif ! diff -u "$expected" "$got.d" > "$TMP/diff"; then
		fail "$label check/$name: diagnostics differ"
		head -20 "$TMP/diff"
	elif [ "$rc" != "$want" ]; then
		fail "$label check/$name: exit status $rc, expected $want"
	else
		ok "$label check/$name"
	fi
}

run_suite() {
	local carto=$1 unit=$2 label=$3
	local before=$FAIL
	run_unit "$unit" "$label"
	# The Mustache specification, read with carto's own YAML loader.
	"$(dirname "$unit")/mustache-spec" ../shared/spec/mustache > "$TMP/spec.out" 2>&1
	grep -E '^(mustache |skip )' "$TMP/spec.out" | sed "s/^/$label: /"
	count_output "$TMP/spec.out"
	for c in tests/check/cases/*/; do
		run_case "$carto" "${c%/}" "$label"
	done
	CARTO="$carto" LABEL="$label" TMP="$TMP" . tests/site.sh
	CARTO="$carto" LABEL="$label" TMP="$TMP" . tests/import.sh
	CARTO="$carto" LABEL="$label" TMP="$TMP" . tests/cache.sh
	CARTO="$carto" LABEL="$label" TMP="$TMP" . tests/snapshot.sh
	echo "$label: done ($((FAIL - before)) failed)"
}

# make regen: the expected files only, from the plain build.
if [ "${1:-}" = "--regen" ]; then
	export CARTO_REGEN=1
	checks=0
	for c in tests/check/cases/*/; do
		c=${c%/}
		[ -z "${CASE:-}" ] || [ "$(basename "$c")" = "$CASE" ] || continue
		run_case "$ROOT/generator/carto" "$c" regen
		echo "regen $c/expected.err"
		checks=$((checks + 1))
	done
	render_n=0
	CARTO="$ROOT/generator/carto" TMP="$TMP" . tests/render.sh
	if [ -z "${CASE:-}" ]; then
		CARTO="$ROOT/generator/carto" LABEL=regen TMP="$TMP" . tests/import.sh
		echo "regen tests/import/cases/*.expected"
	fi
	[ $((checks + render_n)) -gt 0 ] || fail "regen: no check case and no render file named '$CASE'"
	echo "review the changes with git diff"
	[ "$FAIL" = 0 ]
	exit
fi

run_suite "$ROOT/generator/carto" build/obj/unit plain
# Expected outputs, with the plain build (their bytes do not depend on it).
CARTO="$ROOT/generator/carto" TMP="$TMP" . tests/render.sh

# Web checks, once: every page of the example site passes html-validate, and
# axe-core in Chromium finds no violation on the main kinds of page.
web_checks() {
	local out="$TMP/web"
	rm -rf "$out"
	"$ROOT/generator/carto" build --out "$out" > /dev/null 2>&1 || { fail "web: build"; return; }
	if [ ! -x node_modules/.bin/html-validate ]; then
		fail "web: node_modules missing (make test installs them with npm ci)"
		return
	fi
	node_modules/.bin/html-validate --config .htmlvalidate.json -f json $(find "$out" -name '*.html' | sort) > "$TMP/hv.json" 2>/dev/null
	node -e '
		const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const bad = new Map(r.map((f) => [f.filePath, f.messages]));
		for (const f of process.argv.slice(2)) {
			const m = bad.get(f) || [];
			console.log((m.length ? "FAIL " : "ok ") + "html-validate/" + f.split("/web/")[1] +
				m.slice(0, 5).map((x) => "\n  " + x.line + ":" + x.column + " " + x.ruleId + " " + x.message).join(""));
		}' "$TMP/hv.json" $(find "$out" -name '*.html' | sort) > "$TMP/hv.out"
	count_output "$TMP/hv.out"
	echo "web: $(grep -c '^ok ' "$TMP/hv.out") pages checked by html-validate"
	# The large synthetic cartography's pages (region, a département, a commune).
	if [ -d "$TMP/large/out" ]; then
		local lp="$TMP/large/out/cartographies/linguistique"
		if node_modules/.bin/html-validate --config .htmlvalidate.json "$lp/index.html" "$lp/93/index.html" \
		    $(ls "$lp"/communes/*/index.html | head -3) > "$TMP/hv-large.out" 2>&1; then
			ok "html-validate/large-cartography"
		else
			fail "html-validate/large-cartography"
			head -10 "$TMP/hv-large.out"
		fi
	fi
	CARTO_LARGE_OUT="$TMP/large/out" node tests/browser.js "$out" > "$TMP/browser.out" 2>&1
	count_output "$TMP/browser.out"
	grep -q '^ok \|^FAIL ' "$TMP/browser.out" || { tail -5 "$TMP/browser.out"; fail "web: browser checks did not run"; }
}
web_checks
# Installation and the Debian package, once (tests/install.sh).
. tests/install.sh
if [ "${1:-}" != "--plain-only" ]; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	run_suite "$ROOT/build/asan/carto" build/asan/unit asan+ubsan
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
