# carto: build, install, example site, tests, benchmark. Plain GNU make.
# Local overrides (CC, CFLAGS, …) go in config.mk, which git ignores.
# Plain `make` only compiles; `make site` and `make test` also install what
# they need (tests/deps.sh). CFLAGS, CPPFLAGS and LDFLAGS from the
# environment are honoured (dpkg-buildflags); WERROR=0 drops -Werror.

# carto's version: the one place it is written (carto --version, the
# Debian package, whose debian/changelog a test keeps equal to it).
VERSION  = 1.0.0

PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
SHAREDIR = $(PREFIX)/share/carto
MANDIR   = $(PREFIX)/share/man
COMPDIR  = $(PREFIX)/share/bash-completion/completions

CC      ?= cc
CFLAGS  ?= -O2 -g
WERROR  ?= 1
WARN     = -std=c11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -Wmissing-prototypes -Wstrict-prototypes \
           -Wwrite-strings -Wformat-security -Wvla -fno-common
# The libraries with a pkg-config file; libharu has none (-lhpdf, hpdf.h).
PC_LIBS  = libcmark yaml-0.1 xlsxwriter minizip libqrencode libutf8proc libxml-2.0 libxxhash
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -DCARTO_VERSION='"$(VERSION)"' \
           $(shell pkg-config --cflags $(PC_LIBS) 2>/dev/null) $(CPPFLAGS)
LIBS     = $(shell pkg-config --libs libcmark yaml-0.1 libqrencode libutf8proc 2>/dev/null || echo -lcmark -lyaml -lqrencode -lutf8proc) \
           $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2) \
           $(shell pkg-config --libs libxxhash 2>/dev/null || echo -lxxhash) \
           $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter -lz) \
           $(shell pkg-config --libs minizip zlib 2>/dev/null || echo -lminizip -lz) \
           -lhpdf -lpthread -lm
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

-include config.mk

SRCS = generator/base/mem.c generator/base/buf.c generator/base/arena.c \
       generator/base/diag.c generator/base/utf8.c generator/base/strmap.c \
       generator/base/fs.c generator/base/fsview.c generator/base/escape.c generator/base/civil.c \
       generator/base/collate.c generator/base/url.c \
       generator/base/pool.c generator/base/json.c generator/base/digest.c generator/base/fsrec.c \
       generator/data/ytree.c generator/data/snap.c generator/data/orgrec.c generator/data/fields.c generator/data/load.c \
       generator/data/load_site.c generator/data/load_org.c generator/data/load_geo.c \
       generator/data/hours.c generator/data/validate.c generator/data/index.c generator/data/index_suites.c generator/data/suites_memo.c \
       generator/data/embed.c generator/data/derive.c generator/data/paths.c \
       generator/text/markdown.c generator/text/view.c generator/text/template.c generator/text/fold.c \
       generator/render/publish.c generator/render/cache.c generator/render/sink.c generator/render/assemble.c generator/render/theme.c \
       generator/render/opendata/opendata.c generator/render/opendata/opendata_rows.c \
       generator/render/opendata/opendata_json.c generator/render/opendata/opendata_suites.c \
       generator/render/svgmap.c \
       generator/render/html/html.c generator/render/html/html_page.c \
       generator/render/html/html_views.c generator/render/html/html_extra.c \
       generator/render/html/html_carto.c generator/render/html/html_embed.c \
       generator/render/html/html_legal.c generator/render/html/html_links.c \
       generator/render/html/html_search.c \
       generator/render/html/html_parcours.c \
       generator/render/xlsx/xlsx.c generator/render/xlsx/xlsx_sheet.c generator/render/xlsx/xlsx_cols.c \
       generator/render/xlsx/xlsx_carto.c generator/render/xlsx/xlsx_directory.c generator/render/xlsx/xlsx_ref.c \
       generator/render/xlsx/xlsx_pieces.c \
       generator/render/pdf/pdf.c generator/render/pdf/pdf_layout.c generator/render/pdf/pdf_map.c \
       generator/render/pdf/pdf_fiche.c generator/render/pdf/pdf_card.c generator/render/pdf/pdf_booklet.c \
       generator/render/pdf/pdf_deck.c generator/render/pdf/pdf_text.c generator/render/pdf/pdf_check.c generator/render/pdf/pdf_pages.c generator/render/pdf/pdf_entries.c generator/render/pdf/pdf_lazy.c generator/render/pdf/pdf_keep.c generator/render/pdf/pdf_splice.c \
       generator/render/ics.c generator/render/lheoxml.c generator/render/inclusion.c \
       generator/build.c generator/fingerprint.c generator/serve.c \
       generator/share.c generator/scaffold.c generator/help.c \
       generator/import/lheo.c generator/import/lheo_org.c generator/import/lheo_offre.c \
       generator/import/lheo_read.c generator/import/lheo_prolog.c generator/import/lheo_map.c generator/import/lheo_md.c \
       generator/import/lheo_sort.c generator/import/lheo_site.c
MAIN = generator/main.c

OBJS      = $(SRCS:%.c=build/obj/%.o)
ASAN_OBJS = $(SRCS:%.c=build/asan/%.o)
UNIT_SRCS = $(wildcard tests/unit/*.c)

.PHONY: all build-deps deps web-deps site test test-plain test-asan bench bench-rebuild clean regen \
	install uninstall

all: generator/carto

# The build dependencies, checked once per run before anything compiles:
# one message names every missing one and the Debian packages to install.
build-deps:
	@missing=""; for p in $(PC_LIBS); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	echo '#include <hpdf.h>' | $(CC) $(CPPFLAGS) -E -x c - > /dev/null 2>&1 || missing="$$missing libharu"; \
	command -v pkg-config > /dev/null || missing=" pkg-config (every library is checked with it)"; \
	if [ -n "$$missing" ]; then \
		echo "carto: missing build dependencies:$$missing" >&2; \
		echo "  on Debian: apt-get install pkg-config libcmark-dev libyaml-dev libxlsxwriter-dev libminizip-dev libqrencode-dev libutf8proc-dev libxml2-dev libxxhash-dev libhpdf-dev zlib1g-dev libpng-dev" >&2; \
		exit 1; fi

# make site and make test install what they need (as root with apt-get,
# otherwise they print the command).
deps:
	@sh tests/deps.sh

web-deps:
	@sh tests/deps.sh --web

generator/carto: $(OBJS) build/obj/generator/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/obj/%.o: %.c | build-deps
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -MMD -MP -c -o $@ $<

build/asan/%.o: %.c | build-deps
	@mkdir -p $(dir $@)
	@echo "CC (asan) $<"
	@$(CC) $(WARN) $(CPPFLAGS_ALL) -DARENA_DEBUG -O1 -g $(SAN) -MMD -MP -c -o $@ $<

build/asan/carto: $(ASAN_OBJS) build/asan/generator/main.o
	$(CC) -g $(SAN) -o $@ $^ $(LIBS)

build/obj/mustache-spec: $(OBJS) build/obj/tests/mustache_spec.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/asan/mustache-spec: $(ASAN_OBJS) build/asan/tests/mustache_spec.o
	$(CC) -g $(SAN) -o $@ $^ $(LIBS)

build/obj/unit: $(OBJS) $(UNIT_SRCS:%.c=build/obj/%.o)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/asan/unit: $(ASAN_OBJS) $(UNIT_SRCS:%.c=build/asan/%.o)
	$(CC) -g $(SAN) -o $@ $^ $(LIBS)

TOOLS = build/gensite build/measure build/rawparse

build/gensite: generator/tools/gensite.c
	@mkdir -p build
	$(CC) $(WARN) -D_DEFAULT_SOURCE -O2 -o $@ $<

build/measure: generator/tools/measure.c
	@mkdir -p build
	$(CC) $(WARN) -D_DEFAULT_SOURCE -O2 -o $@ $<

RAWPARSE_OBJS = $(addprefix build/obj/generator/base/,pool.o mem.o arena.o buf.o diag.o utf8.o)

build/rawparse: generator/tools/rawparse.c $(RAWPARSE_OBJS)
	@mkdir -p build
	$(CC) $(WARN) -D_DEFAULT_SOURCE -O2 -o $@ $^ $(LIBS)

# The example site of the repository, published into output/, with the
# organisations of its LHÉO extract imported first (the same bytes each time).
site: deps
	@$(MAKE) --no-print-directory generator/carto
	./generator/carto import lheo content/lheo/offre-francais-idf.xml --site .
	./generator/carto build --site . --out output

# Every test, plain then under AddressSanitizer and UndefinedBehaviorSanitizer
# (build/measure: the import test bounds its peak memory with it).
test: web-deps
	@$(MAKE) --no-print-directory generator/carto build/gensite build/measure build/obj/unit \
	    build/asan/carto build/asan/unit build/obj/mustache-spec build/asan/mustache-spec
	@bash tests/run.sh

# Installs carto under $(DESTDIR)$(PREFIX): the binary, and in
# share/carto/ what a site falls back on (the default theme, the territory
# with its SOURCES.md and licences, the référentiels and vocabularies and the
# LHÉO mapping when there is one, the skeleton of carto init), the man page
# and the bash completion. The binary finds share/carto/ beside bin/.
SHARE_FILES = $(shell find themes/default init referentiels -type f | LC_ALL=C sort)

install: generator/carto
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPDIR)
	install -m 755 generator/carto $(DESTDIR)$(BINDIR)/carto
	@for f in $(SHARE_FILES); do \
		install -d "$(DESTDIR)$(SHAREDIR)/$${f%/*}" && \
		install -m 644 "$$f" "$(DESTDIR)$(SHAREDIR)/$$f" || exit 1; done
	@echo "install: $(words $(SHARE_FILES)) files into $(DESTDIR)$(SHAREDIR)"
	install -m 644 docs/carto.1 $(DESTDIR)$(MANDIR)/man1/carto.1
	install -m 644 docs/carto.bash-completion $(DESTDIR)$(COMPDIR)/carto

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/carto $(DESTDIR)$(MANDIR)/man1/carto.1 $(DESTDIR)$(COMPDIR)/carto
	rm -rf $(DESTDIR)$(SHAREDIR)

bench: all $(TOOLS)
	@sh tests/benchmark.sh

bench-rebuild: all $(TOOLS)
	@sh tests/bench_rebuild.sh

# Rewrites the expected files of the tests (check cases' expected.err and
# tests/render/expected/) from the plain build; CASE=<name> only one case.
regen: deps
	@$(MAKE) --no-print-directory generator/carto
	@CASE='$(CASE)' bash tests/run.sh --regen

clean:
	rm -rf build generator/carto output .output.tmp.* .output.old.* .output.spare

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d) build/obj/generator/main.d build/asan/generator/main.d \
	$(UNIT_SRCS:%.c=build/obj/%.d) $(UNIT_SRCS:%.c=build/asan/%.d)
