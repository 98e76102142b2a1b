# Sourced by the benchmark scripts from the repository's root: bench_tools
# BUILT… -- COMMAND… makes the files carto builds itself (generator/carto,
# build/measure, build/gensite, build/rawparse) and checks that the other
# commands are installed, so that a script run directly (not through make
# bench) says what is missing before it starts, instead of failing half-way
# on a tool it did not build or blaming the next command.
bench_tools() {
	built=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do built="$built $1"; shift; done
	[ $# -gt 0 ] && shift
	if [ -n "$built" ] && ! make --no-print-directory -s $built >&2; then
		echo "bench: cannot build$built (see make's messages above)" >&2
		exit 1
	fi
	for t in $built; do
		[ -x "$t" ] || { echo "bench: $t is missing after make" >&2; exit 1; }
	done
	for c in "$@"; do
		command -v "$c" > /dev/null 2>&1 ||
			{ echo "bench: '$c' is not installed (tests/deps.sh lists the packages)" >&2; exit 1; }
	done
}
