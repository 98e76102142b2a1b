#!/bin/sh
# make bench: how fast carto reads and publishes sites of growing size. For
# each size in BENCH_SIZES (default "1000 10000 50000" organisations, each
# site with BENCH_PAGES pages, default 1000) it generates a seeded synthetic
# site with generator/synth from the repository's example (build/bench/
# site-N, reused while its stamp still matches), then measures, with the
# page cache warm: the input size, libyaml's raw event parse of the same
# YAML files on every core (generator/yamlraw, the baseline), and the wall
# time and peak memory of `carto check` and `carto build` (generator/
# benchrun). It prints the machine and a Markdown table on standard output,
# progress on standard error, and keeps each command's output in
# build/bench/logs/. Exits 1 as soon as a command fails (its last lines are
# shown), and also at the end when generator/carto is missing: its columns
# then read n/a, so that the rest of the bench can be tried before carto
# builds.
set -eu
cd "$(dirname "$0")/.."

SIZES=${BENCH_SIZES:-1000 10000 50000}
PAGES=${BENCH_PAGES:-1000}
SEED=${BENCH_SEED:-20261128}
# The synthetic sites are dated from DATE, and carto's "today" is pinned to
# it too: freshness warnings then never depend on the day the bench runs.
DATE=2026-11-15
export SOURCE_DATE_EPOCH=1794700800 LC_ALL=C TZ=UTC

B=${BENCH_DIR:-build/bench}
LOGS=$B/logs
CARTO=${BENCH_CARTO:-generator/carto}
mkdir -p "$LOGS"

for tool in generator/synth generator/benchrun generator/yamlraw; do
	if [ ! -x "$tool" ]; then
		echo "bench: $tool is missing: build it first (make bench does)" >&2
		exit 2
	fi
done
HAVE_CARTO=1
if [ ! -x "$CARTO" ]; then
	HAVE_CARTO=0
	echo "bench: $CARTO is missing: its columns will read n/a" >&2
fi

say() {
	echo "bench: $*" >&2
}

# Shows the end of a failed command's log and stops.
fail() {
	say "failed ($2): $1"
	tail -n 15 "$1" >&2
	exit 1
}

# timed LOG CMD...: runs CMD under benchrun, its output in LOG. Sets WALL
# (seconds) and PEAK (MiB); returns CMD's exit status.
timed() {
	log=$1
	shift
	rm -f "$log.time"
	st=0
	generator/benchrun -o "$log.time" -- "$@" > "$log" 2>&1 || st=$?
	line=$(tail -n 1 "$log.time" 2> /dev/null || echo "")
	WALL=$(echo "$line" | sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p')
	PEAK=$(echo "$line" | sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' | awk '{ printf "%.0f", $1 / 1024 }')
	return $st
}

hash_of() {
	sha256sum | cut -c1-16
}

# What a synthetic site is made from: the example's files that synth copies
# or reads (settings, référentiels, territory, cartographies).
MODEL=$(find site.yaml referentiels content/cartographies -type f | sort |
	while IFS= read -r f; do cat "$f"; done | hash_of)
SYNTH=$(hash_of < generator/synth)

make_site() {
	n=$1
	dir=$B/site-$n
	want="orgs=$n pages=$PAGES seed=$SEED date=$DATE synth=$SYNTH model=$MODEL"
	if [ -f "$dir/.synth-stamp" ] && [ "$(cat "$dir/.synth-stamp")" = "$want" ]; then
		say "site-$n: reused"
		return
	fi
	rm -rf "$dir"
	timed "$LOGS/synth-$n.log" generator/synth --orgs "$n" --pages "$PAGES" --seed "$SEED" \
		--date "$DATE" --from . --out "$dir" || fail "$LOGS/synth-$n.log" "synth"
	echo "$want" > "$dir/.synth-stamp"
	say "site-$n: generated in $WALL s"
}

# The YAML and Markdown that carto reads, in bytes; reading them all also
# warms the page cache, so that every column measures work, not the disk.
input_bytes() {
	find "$1/site.yaml" "$1/content" "$1/referentiels" -type f \( -name '*.yaml' -o -name '*.md' \) \
		-exec cat {} + | wc -c
}

# One row of the table, for n organisations in site dir.
measure() {
	n=$1
	dir=$B/site-$n
	bytes=$(input_bytes "$dir")
	raw=$(generator/yamlraw -d "$dir" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
	[ -n "$raw" ] || fail "$dir" "yamlraw"
	cw=n/a; cr=n/a; bw=n/a; br=n/a
	if [ "$HAVE_CARTO" = 1 ]; then
		say "site-$n: carto check"
		timed "$LOGS/check-$n.log" "$CARTO" check --site "$dir" || fail "$LOGS/check-$n.log" "carto check"
		cw=$WALL; cr=$PEAK
		say "site-$n: carto build"
		rm -rf "$B/out-$n"
		timed "$LOGS/build-$n.log" "$CARTO" build --site "$dir" --out "$B/out-$n" ||
			fail "$LOGS/build-$n.log" "carto build"
		bw=$WALL; br=$PEAK
	fi
	awk -v n="$n" -v bytes="$bytes" -v raw="$raw" -v cw="$cw" -v cr="$cr" -v bw="$bw" -v br="$br" '
	function num(x, fmt) { return x == "n/a" ? x : sprintf(fmt, x) }
	function per(a, b, fmt) { return (a == "n/a" || b == "n/a" || b + 0 == 0) ? "n/a" : sprintf(fmt, a / b) }
	BEGIN {
		mb = bytes / 1048576
		printf "| %d | %.1f | %.2f | %s | %s | %s | %s | %s | %s | %s |\n", n, mb, raw,
		    num(cw, "%.2f"), per(cw, raw, "%.2f"), num(bw, "%.2f"), per(mb, cw, "%.1f"),
		    per(n, cw, "%.0f"), num(cr, "%d"), num(br, "%d")
	}'
}

machine() {
	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2> /dev/null || echo unknown)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2> /dev/null || echo unknown)
	echo "Machine: $(nproc) processors, ${cpu:-unknown}, $mem of memory."
}

ROWS=""
for n in $SIZES; do
	make_site "$n"
	ROWS="$ROWS$(measure "$n")
"
done

machine
echo "Sites: synthetic (generator/synth, seed $SEED, $PAGES pages each); MB = 2^20 bytes of YAML and"
echo "Markdown read by carto; libyaml raw = event parse of the same YAML on every core; times are wall."
echo
echo "| organisations | input MB | libyaml raw s | check s | check/raw | build s | MB/s (input/check) | orgs/s (check) | peak MB (check) | peak MB (build) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf "%s" "$ROWS"

if [ "$HAVE_CARTO" = 0 ]; then
	say "$CARTO was not built: the carto columns are missing"
	exit 1
fi
