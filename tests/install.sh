# Installation tests, sourced once by run.sh with the plain build (ROOT, TMP,
# ok and fail set): make install into a DESTDIR then moved elsewhere, carto
# init and theme export with the installed binary, the lone binary without
# its share folder, make uninstall, the Makefile's build switches, the man
# page and the completion, then the Debian package: built from a copy of the
# tree, checked by lintian, extracted with dpkg-deb -x, and building the
# example site (without the checkout's theme and territory) to the same bytes
# as the in-tree build. Each block is one test.

inst_test() { [ $? = 0 ] && ok "install/$1" || fail "install/$1${2:+: $2}"; }
I="$TMP/install"
rm -rf "$I"
mkdir -p "$I/elsewhere"
VERSION=$(sed -n 's/^VERSION *= *//p' Makefile)

# make install puts the binary, the share folder, the man page and the
# completion under DESTDIR/PREFIX; the tree then moves, as a copied install.
make -s --no-print-directory install DESTDIR="$I/dest" PREFIX=/usr > "$I/install.log" 2>&1 &&
	[ -x "$I/dest/usr/bin/carto" ] &&
	[ -f "$I/dest/usr/share/carto/themes/default/templates/layout.mustache" ] &&
	[ -f "$I/dest/usr/share/carto/themes/default/assets/style.css" ] &&
	[ -f "$I/dest/usr/share/carto/referentiels/geo/SOURCES.md" ] &&
	[ -f "$I/dest/usr/share/carto/referentiels/geo/communes.csv" ] &&
	[ -f "$I/dest/usr/share/carto/referentiels/vocabulaires.yaml" ] &&
	[ -f "$I/dest/usr/share/carto/init/site.yaml" ] &&
	[ -f "$I/dest/usr/share/man/man1/carto.1" ] &&
	[ -f "$I/dest/usr/share/bash-completion/completions/carto" ] &&
	mv "$I/dest" "$I/moved"
detail=$(tail -3 "$I/install.log"); inst_test make-install "$detail"

C="$I/moved/usr/bin/carto"
# The moved binary finds its share folder beside itself, before CARTO_SHARE.
out=$(cd "$I/elsewhere" && CARTO_SHARE=/nonexistent "$C" --version)
[ "$out" = "carto $VERSION
share folder: $I/moved/usr/share/carto" ]
inst_test version-names-share "$out"
[ "$(cd "$I/elsewhere" && "$C" version)" = "$out" ]
inst_test version-command

# carto init makes a site that checks without error and builds at once; its
# only warnings are the three examples of its legal notice, to be replaced
# before publishing (the placeholders of validate.h, equal to init/site.yaml's).
(cd "$I/elsewhere" && "$C" init "$I/x" > /dev/null && "$C" check --site "$I/x" > "$I/x-check.out" 2>&1 &&
	"$C" build --site "$I/x" > /dev/null 2>&1) &&
	[ "$(grep -c 'warning:' "$I/x-check.out")" = 3 ] &&
	[ "$(grep -c "site.yaml:[0-9]*:[0-9]*: warning: \(editeur\|directeur_publication\|contact\) '.*' is still the example written by carto init" "$I/x-check.out")" = 3 ] &&
	[ -f "$I/x/output/index.html" ] && [ -f "$I/x/output/cartographies/offre-linguistique/index.html" ] &&
	[ -f "$I/x/output/organismes/premier-organisme/index.html" ] && [ ! -d "$I/x/referentiels/geo" ] &&
	grep -q "mise_a_jour: $(date -u -d "@$SOURCE_DATE_EPOCH" +%F)" "$I/x/content/organismes/premier-organisme.yaml"
detail=$(head -3 "$I/x-check.out"); inst_test init-builds "$detail"

# carto import lheo into a site without its own mapping table nor territory:
# the installed binary takes both from its share folder; the lone binary,
# without one, writes nothing and says which two are missing.
rm -rf "$I/z" && cp -r "$I/x" "$I/z" && rm -rf "$I/z/output" "$I/z/referentiels/lheo.yaml" &&
	(cd "$I/elsewhere" && "$C" import lheo "$ROOT/content/lheo/offre-francais-idf.xml" --site "$I/z" > "$I/z.out" 2>&1) &&
	grep -q ' 3 organisations, 4 offers' "$I/z.out" && "$C" check --site "$I/z" > /dev/null 2>&1 &&
	rm "$I/z/content/organismes/lheo-offre-francais-idf.yaml" &&
	mkdir -p "$I/lone0" && cp "$C" "$I/lone0/carto" &&
	! "$I/lone0/carto" import lheo "$ROOT/content/lheo/offre-francais-idf.xml" --site "$I/z" > /dev/null 2> "$I/z.err" &&
	grep -q 'no LHÉO mapping table: .*share folder was not found' "$I/z.err" &&
	grep -q 'no territory: .*share folder was not found' "$I/z.err" &&
	[ ! -e "$I/z/content/organismes/lheo-offre-francais-idf.yaml" ]
detail=$(head -3 "$I/z.out" "$I/z.err" 2>/dev/null); inst_test import-from-share "$detail"

# carto init refuses a folder that is not empty.
"$C" init "$I/x" > /dev/null 2> "$I/init2.err"; rc=$?
[ $rc = 1 ] && grep -q 'is not an empty folder' "$I/init2.err"
inst_test init-refuses-non-empty "$rc"

# carto theme export copies the default theme into the site, once; the site
# then builds from its own copy, to the same bytes.
"$C" theme export "$I/x" > /dev/null && diff -r "$I/moved/usr/share/carto/themes/default" "$I/x/themes/default" > /dev/null &&
	! "$C" theme export "$I/x" > /dev/null 2>&1 && ! "$C" theme export "$I/not-a-site" > /dev/null 2>&1 &&
	[ ! -e "$I/not-a-site" ] &&
	"$C" build --site "$I/x" --out "$I/x-own" > /dev/null 2>&1 && diff -r "$I/x/output" "$I/x-own" > /dev/null
inst_test theme-export

# A binary without its share folder: carto version says where it looked, a
# site without its own territory is one error (no cascade), CARTO_SHARE
# names the folder.
mkdir -p "$I/lone" && cp "$C" "$I/lone/carto"
rm -rf "$I/y" && cp -r "$I/x" "$I/y" && rm -rf "$I/y/output" "$I/y/themes"
"$I/lone/carto" version | grep -q "^share folder: none found (looked in $I/share/carto" &&
	! "$I/lone/carto" build --site "$I/y" > /dev/null 2> "$I/lone.err" &&
	[ "$(grep -c 'error' "$I/lone.err")" = 2 ] &&
	grep -q "^$I/y: error: no territory: the site has no referentiels/geo/ and carto's share folder was not found" "$I/lone.err" &&
	grep -q '^carto: 1 error, 0 warnings: nothing was published' "$I/lone.err" &&
	CARTO_SHARE="$I/moved/usr/share/carto" "$I/lone/carto" build --site "$I/y" > /dev/null 2>&1
detail=$(head -3 "$I/lone.err"); inst_test lone-binary-one-error "$detail"

# With its own territory but no theme anywhere: one error too.
mkdir -p "$I/y/referentiels" && cp -r "$ROOT/tests/check/base/referentiels/geo" "$I/y/referentiels/" &&
	! "$I/lone/carto" check --site "$I/y" > /dev/null 2> "$I/lone2.err" &&
	[ "$(grep -c ': error: ' "$I/lone2.err")" = 1 ] && grep -q "share folder was not found" "$I/lone2.err"
detail=$(head -3 "$I/lone2.err"); inst_test lone-binary-no-theme "$detail"

# make uninstall removes what make install wrote.
make -s --no-print-directory uninstall DESTDIR="$I/moved" PREFIX=/usr > /dev/null 2>&1 &&
	[ -z "$(find "$I/moved" -type f)" ]
inst_test make-uninstall

# Plain make only compiles; the build dependencies are checked in one
# message; CPPFLAGS, LDFLAGS and WERROR reach the compiler and the linker.
! make -n all 2>&1 | grep -q 'deps.sh' &&
	make -n site 2>&1 | grep -q 'deps.sh' && make -n test 2>&1 | grep -q 'deps.sh'
inst_test make-only-compiles
out=$(make -s --no-print-directory build-deps PC_LIBS="libcmark carto-no-such-lib" 2>&1); rc=$?
[ $rc != 0 ] && [ "$(echo "$out" | grep -c 'missing build dependencies: carto-no-such-lib$')" = 1 ]
inst_test build-deps-message "$out"
make -n -B build/obj/generator/base/buf.o CPPFLAGS=-DCARTO_PROBE_CPP 2>&1 | grep -q -- '-DCARTO_PROBE_CPP' &&
	make -n -B build/obj/generator/base/buf.o 2>&1 | grep -q -- '-Werror' &&
	! make -n -B build/obj/generator/base/buf.o WERROR=0 2>&1 | grep -q -- '-Werror' &&
	make -n -B generator/carto LDFLAGS=-Wl,-z,now 2>&1 | grep -q -- '-Wl,-z,now'
inst_test build-flags

# The version is written once, in the Makefile; debian/changelog follows it.
[ "$(dpkg-parsechangelog -S Version -l debian/changelog 2>/dev/null)" = "$VERSION" ] &&
	"$ROOT/generator/carto" --version | grep -qx "carto $VERSION"
inst_test version-one-place

# The man page renders; the completion completes.
MANWIDTH=80 man -l docs/carto.1 2> "$I/man.err" | grep -q 'carto init' && [ ! -s "$I/man.err" ] &&
	[ "$(bash -c '. docs/carto.bash-completion; COMP_WORDS=(carto bu); COMP_CWORD=1; _carto; echo "${COMPREPLY[*]}"')" = build ] &&
	[ "$(bash -c '. docs/carto.bash-completion; COMP_WORDS=(carto new w); COMP_CWORD=2; _carto; echo "${COMPREPLY[*]}"')" = webinaire ] &&
	[ "$(bash -c '. docs/carto.bash-completion; COMP_WORDS=(carto im); COMP_CWORD=1; _carto; echo "${COMPREPLY[*]}"')" = import ] &&
	[ "$(bash -c '. docs/carto.bash-completion; COMP_WORDS=(carto import l); COMP_CWORD=2; _carto; echo "${COMPREPLY[*]}"')" = lheo ] &&
	MANWIDTH=80 man -l docs/carto.1 2> /dev/null | grep -q 'carto import lheo' 
detail=$(head -3 "$I/man.err"); inst_test man-and-completion "$detail"

# The Debian package, built from a copy of the tree (dpkg-buildpackage
# cleans the tree it builds in), without its unit tests (run above).
D="$I/deb"
mkdir -p "$D/carto-src"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$D/carto-src") &&
	(cd "$D/carto-src" && DEB_BUILD_OPTIONS=nocheck timeout 1200 dpkg-buildpackage -b -us -uc > "$D/build.log" 2>&1) &&
	[ -f "$D/carto_${VERSION}_amd64.deb" ]
detail=$(tail -5 "$D/build.log" 2>/dev/null); inst_test deb-builds "$detail"
if [ -f "$D/carto_${VERSION}_amd64.deb" ]; then
	lintian "$D/carto_${VERSION}_amd64.deb" > "$D/lintian.out" 2>&1
	! grep -q '^E: ' "$D/lintian.out" && ! grep -q 'lintian: not found' "$D/lintian.out"
	detail=$(grep '^E: ' "$D/lintian.out" | head -5); inst_test deb-lintian-no-error "$detail"
	dpkg-deb -f "$D/carto_${VERSION}_amd64.deb" Depends | grep -q 'fonts-liberation' &&
		dpkg-deb -f "$D/carto_${VERSION}_amd64.deb" Depends | grep -q 'fonts-dejavu-core' &&
		dpkg-deb -f "$D/carto_${VERSION}_amd64.deb" Depends | grep -q 'libhpdf'
	inst_test deb-depends
	# The example site without the checkout's theme and territory, built by
	# the extracted binary from another folder: the bytes of the in-tree build.
	dpkg-deb -x "$D/carto_${VERSION}_amd64.deb" "$D/root" &&
		mkdir -p "$D/site" && cp -r "$ROOT/site.yaml" "$ROOT/content" "$ROOT/referentiels" "$D/site/" &&
		rm -rf "$D/site/referentiels/geo" &&
		(cd "$I/elsewhere" && "$D/root/usr/bin/carto" --version | grep -qx "share folder: $D/root/usr/share/carto" &&
			"$D/root/usr/bin/carto" build --site "$D/site" --out "$D/out" > /dev/null 2> "$D/site.err") &&
		"$ROOT/generator/carto" build --site "$ROOT" --out "$D/ref" > /dev/null 2>&1 &&
		diff -r "$D/ref" "$D/out" > "$D/diff"
	detail=$(head -5 "$D/site.err" "$D/diff" 2>/dev/null); inst_test deb-same-bytes "$detail"
fi
