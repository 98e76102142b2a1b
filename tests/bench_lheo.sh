#!/bin/sh
# The LHÉO import part of make bench: generated LHÉO 2.3 files of
# BENCH_LHEO_SIZES actions (default 10000 50000; tests/import/gen_lheo.py,
# kept in build/bench/) imported by carto into a copy of tests/check/base,
# beside xmllint --stream --noout (libxml2's own streaming reader) on the same
# file: wall time, CPU time (user + system) and peak resident memory of each,
# and the ratios. Memory must stay flat as the file grows.
set -eu
cd "$(dirname "$0")/.."
SIZES=${BENCH_LHEO_SIZES:-10000 50000}
export SOURCE_DATE_EPOCH=1795000000 LC_ALL=C.UTF-8
B=build/bench
mkdir -p "$B"

# measure's last line: sets W (wall s), C (CPU s), M (peak MB).
mrun() {
	build/measure -- "$@" > /dev/null 2> "$B/lheo-measure.log" || {
		tail -5 "$B/lheo-measure.log" >&2
		echo "bench: command failed: $*" >&2
		exit 1
	}
	l=$(tail -1 "$B/lheo-measure.log")
	W=$(echo "$l" | sed 's/.*wall_s=\([0-9.]*\).*/\1/')
	C=$(echo "$l" | sed 's/.*cpu_s=\([0-9.]*\).*/\1/')
	M=$(echo "$l" | sed 's/.*maxrss_kb=\([0-9]*\).*/\1/' | awk '{printf "%.0f", $1/1024}')
}

echo
echo "| actions | LHÉO MB | import s | import CPU s | import peak MB | xmllint s | xmllint CPU s | xmllint peak MB | wall ratio | CPU ratio | actions/s |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
	f="$B/lheo-$n.xml"
	[ -f "$f" ] && [ "$f" -nt tests/import/gen_lheo.py ] || python3 tests/import/gen_lheo.py "$n" > "$f"
	mb=$(awk -v b="$(wc -c < "$f")" 'BEGIN {printf "%.1f", b / 1048576}')
	cat "$f" > /dev/null	# in the page cache for both
	site="$B/lheo-site"
	rm -rf "$site"
	cp -r tests/check/base "$site"
	mrun xmllint --stream --noout "$f"
	xw=$W; xc=$C; xm=$M
	mrun generator/carto import lheo "$f" --site "$site"
	awk -v n="$n" -v mb="$mb" -v w="$W" -v c="$C" -v m="$M" -v xw="$xw" -v xc="$xc" -v xm="$xm" 'BEGIN {
		printf "| %d | %s | %.2f | %.2f | %d | %.2f | %.2f | %d | %.2f | %.2f | %.0f |\n",
			n, mb, w, c, m, xw, xc, xm, w / xw, c / xc, n / w }'
done
