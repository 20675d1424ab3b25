# seawall — one Makefile for everything. See README.md.
#
#   make run     install missing packages, build, serve the live Pacific exercise (seawall.db here)
#   make check   install test packages, build, run every test (ends with "N passed, N failed")
#   make bench   build and run the benchmarks (figures, not assertions)
#   make fuzz    run each libFuzzer target longer (FUZZ_SECONDS, default 300)
#   make san     build with ASan+UBSan into build-san/ and run unit + integration tests
#   make soak    a room (5 teams x 10 players, 5 instructors) through the whole Pacific
#                exercise at 10x and 3 minutes past its end: errors, latency, memory (~28 min)
#
# Layout: every src/<layer>/*.c goes into libseawall.a (src/cli/main.c is the
# program); every tests/unit/test_*.c is a cmocka test program; every
# bench/bench_*.c a benchmark; every fuzz/fuzz_*.c a libFuzzer target. Adding one
# of those is adding the file: nothing to register here.

CC      ?= cc
BUILD   ?= build
SAN     ?=
OPT     ?= -O2
PKGS    := yaml-0.1 sqlite3 jansson libsodium libpcre2-8 libmicrohttpd liblz4

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_ALL := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) -g \
              $(WARN) -Isrc -MMD -MP $(CFLAGS)
ifneq ($(SAN),)
CFLAGS_ALL += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS_ALL += -fsanitize=address,undefined
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS_ALL   = $(PKG_LIBS) -lm -lpthread $(LDLIBS)

LIB_SRC   := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded_data.o
EMBED     := $(sort $(shell find scenarios -type f \( -name '*.yaml' -o -name '*.md' \) 2>/dev/null)) \
             data/attack/techniques.tsv data/attack/tactics.tsv
# the browser interface (src/server/static.c serves it), each file also
# gzipped at build time and embedded as web/NAME.gz
WEB       := $(sort $(shell find web -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' \
               -o -name '*.json' -o -name '*.svg' \) -not -path '*/node_modules/*' 2>/dev/null))
WEB_GZ    := $(WEB:%=$(BUILD)/gen/%.gz)
TEST_SRC  := $(wildcard tests/unit/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_SRC  := $(wildcard fuzz/fuzz_*.c)

.PHONY: all run check bench soak fuzz fuzz-smoke san clean bootstrap-run bootstrap-check tests benches format-check
all: $(BUILD)/seawall

bootstrap-run:
	@scripts/bootstrap.sh run
bootstrap-check:
	@scripts/bootstrap.sh check

run: bootstrap-run
	@$(MAKE) --no-print-directory all
	./$(BUILD)/seawall serve

check: bootstrap-check format-check
	@$(MAKE) --no-print-directory all tests benches
	@$(MAKE) --no-print-directory fuzz-build
	@tests/run.sh $(BUILD)

tests: $(TEST_BIN) $(BUILD)/seawall

# built by check (gcc) and san (clang) so a benchmark that stops compiling
# under either is caught before make bench
benches: $(BENCH_BIN)

san:
	@$(MAKE) --no-print-directory BUILD=build-san SAN=1 CC=clang OPT=-O1 all tests benches
	@SW_SKIP_FUZZ=1 tests/run.sh build-san

bench: bootstrap-check
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@bench/run.sh $(BUILD)

# SOAK_SPEED, SOAK_UNTIL (e.g. 1h), SOAK_TEAMS, SOAK_PLAYERS, SOAK_INSTRUCTORS: see the script
soak: bootstrap-check
	@$(MAKE) --no-print-directory all
	@SW_BIN=$(BUILD)/seawall python3 tests/soak/server_soak.py

# ---- the library, the program --------------------------------------------
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/gen/web/%.gz: web/%
	@mkdir -p $(dir $@)
	gzip -9 -n -c $< > $@

$(BUILD)/gen/embedded_data.c: $(BUILD)/tools/embed $(EMBED) $(WEB) $(WEB_GZ)
	@mkdir -p $(dir $@)
	@$(BUILD)/tools/embed $@ ./ $(EMBED) $(WEB) $(foreach f,$(WEB),$(f).gz=$(BUILD)/gen/$(f).gz)

$(BUILD)/gen/embedded_data.o: $(BUILD)/gen/embedded_data.c
	$(CC) -std=c11 -O0 -Isrc -c $< -o $@

$(BUILD)/libseawall.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/seawall: $(BUILD)/src/cli/main.o $(BUILD)/libseawall.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS_ALL)

# ---- tests, benchmarks ------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libseawall.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libseawall.a $(LDFLAGS_ALL) $(LIBS_ALL) -lcmocka

$(BUILD)/bench/%: bench/%.c $(BUILD)/libseawall.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PKG_CFLAGS) -o $@ $< $(BUILD)/libseawall.a $(LDFLAGS_ALL) $(LIBS_ALL)

# ---- fuzzing (clang libFuzzer; its own build of the library) --------------
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -Isrc \
               -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJ := $(LIB_SRC:%.c=build-fuzz/%.o) build-fuzz/gen/embedded_data.o
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)

build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

build-fuzz/gen/embedded_data.o: $(BUILD)/gen/embedded_data.c
	@mkdir -p $(dir $@)
	clang -std=c11 -O0 -Isrc -c $< -o $@

build-fuzz/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

# the fuzz objects are built through a pattern rule: keep them, or every
# make check would rebuild the whole library for the fuzzers again
.SECONDARY: $(FUZZ_OBJ)

.PHONY: fuzz-build
fuzz-build: $(FUZZ_BIN)

fuzz: bootstrap-check
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} fuzz/run.sh build-fuzz

format-check:
	@clang-format --dry-run --Werror $(wildcard src/*/*.c src/*/*.h)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) build-fuzz -name '*.d' 2>/dev/null)
