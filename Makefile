# forcewatch build.  `make` builds ./forcewatch; `make test` builds and runs
# every test; `make run` loads the demo data and shows it; `make SANITIZE=1
# test` does the same with address and undefined-behaviour sanitizers.
# Missing Debian packages are installed through scripts/install-deps.

CC       ?= cc
SANITIZE ?= 0
PKGS     := sqlite3 jansson libsodium libmicrohttpd libcrypto
ifeq ($(SANITIZE),1)
BUILD    := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT      := -O1
else
BUILD    := build
SANFLAGS :=
OPT      := -O2
endif

CFLAGS   ?= $(OPT) -g
ALL_CFLAGS = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla \
             -D_DEFAULT_SOURCE -Iinclude -Ilib $(SANFLAGS) $(CFLAGS) \
             -DFW_POLICY_DIR='"$(CURDIR)/policies"' -DFW_PROFILE_DIR='"$(CURDIR)/profiles"' \
             -DFW_WEB_DIR='"$(CURDIR)/web/dist"' \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
LDFLAGS  += $(SANFLAGS)

LIB_SRC  := $(wildcard lib/*/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC  := $(wildcard src/*/*.c)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_RUN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%-replay)

ifeq ($(SANITIZE),1)
FW := $(BUILD)/forcewatch
else
FW := forcewatch
endif

.PHONY: all deps test unit-test cli-test run bench fuzz clean docs web
all: $(FW) web

# Dependencies: check with pkg-config; install what is missing (as root), or
# say exactly what to run.
DEPS_STAMP := $(BUILD)/.deps
$(DEPS_STAMP): scripts/install-deps
	@mkdir -p $(BUILD)
	@if ! pkg-config --exists $(PKGS) cmocka || ! scripts/install-deps --check >/dev/null; then \
	    if [ "$$(id -u)" = 0 ]; then scripts/install-deps; \
	    else echo "forcewatch: missing packages; run: sudo scripts/install-deps" >&2; \
	         scripts/install-deps --print >&2; exit 1; fi; \
	fi
	@touch $@
deps: $(DEPS_STAMP)

# The dashboard: npm installs exactly the locked packages (npm ci), then
# web/build.mjs bundles web/src into web/dist, which the server serves.
WEB_SRC := $(wildcard web/src/*.js web/src/*.css web/src/pages/*.js) web/build.mjs web/index.html
web/node_modules/.ci-stamp: web/package.json web/package-lock.json | $(DEPS_STAMP)
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
web/dist/index.html: $(WEB_SRC) web/node_modules/.ci-stamp
	cd web && node build.mjs
web: web/dist/index.html

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The front-ends also see each other's headers (src/); the library never does.
$(BUILD)/src/%.o: src/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -MMD -MP -c -o $@ $<

$(BUILD)/libforcewatch.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(FW): $(CLI_OBJ) $(BUILD)/libforcewatch.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(BUILD)/libforcewatch.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cmocka 2>/dev/null) -lpthread

# Fuzz targets built with a plain main() that replays a corpus, so the
# regular test run exercises them; `make fuzz` builds them with libFuzzer.
$(BUILD)/tests/%-replay: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libforcewatch.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The HTTP target drives the server's dispatcher in process: it links the
# front-ends' objects too, with forcewatch.c's main renamed (the target sets
# its database up through it).
HTTP_FUZZ_OBJ := $(filter-out $(BUILD)/src/cli/forcewatch.o,$(CLI_OBJ)) $(BUILD)/tests/fuzz/forcewatch-nomain.o
$(BUILD)/tests/fuzz/forcewatch-nomain.o: src/cli/forcewatch.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -Dmain=forcewatch_main -MMD -MP -c -o $@ $<
$(BUILD)/tests/fuzz_http-replay: tests/fuzz/fuzz_http.c tests/fuzz/replay.c $(HTTP_FUZZ_OBJ) $(BUILD)/libforcewatch.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $^ $(LDLIBS)

GEN_SRC := $(wildcard bench/gen*.c)
bench/gen: $(GEN_SRC) $(wildcard bench/gen*.h)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -o $@ $(GEN_SRC) -lm

unit-test: $(UNIT_BIN)
cli-test: $(FW)

test: $(FW) $(UNIT_BIN) $(FUZZ_RUN) bench/gen web
	@FW=$(FW) BUILD=$(BUILD) tests/run

# FW_DATASETS=DIR: a folder holding the public datasets (wapo-v2/, seattletimes/: the
# Washington Post's and the Seattle Times' published CSV files), loaded into the demo too.
# By default, the datasets folder kept beside a clone, when there is one.
FW_DATASETS ?= $(wildcard ../shared/datasets)
run: $(FW) web
	@rm -f demo.db demo.db-wal demo.db-shm demo.db.key
	./$(FW) --db demo.db init
	./$(FW) --db demo.db add examples/agencies.jsonl examples/officers.jsonl examples/*.json
	@ds='$(FW_DATASETS)'; if [ -n "$$ds" ] && [ -f $$ds/wapo-v2/fatal-police-shootings-data.csv ]; then \
	    ./$(FW) --db demo.db import wapo-v2 $$ds/wapo-v2/fatal-police-shootings-data.csv \
	        --agencies $$ds/wapo-v2/fatal-police-shootings-agencies.csv && \
	    ./$(FW) --db demo.db import seattletimes $$ds/seattletimes/deadly-force-data.csv; fi
	./$(FW) --db demo.db list --limit 20
	./$(FW) --db demo.db review demo-0007 --policy dhs
	./$(FW) --db demo.db user add demo-admin --role admin
	@echo "dashboard: http://127.0.0.1:8080/ (sign in as demo-admin with the password above; Ctrl-C stops)"
	./$(FW) --db demo.db serve --listen 127.0.0.1:8080

# Documents generated from the code's own tables; tests check they are current.
docs: $(FW)
	./$(FW) schema > docs/incident.schema.json
	scripts/gen-cli-doc ./$(FW) > docs/cli.md

FUZZ_SECONDS ?= 30
FUZZ_ONLY ?=
fuzz: $(BUILD)/libforcewatch.a
	@mkdir -p $(BUILD)/fuzz
	@for src in $(if $(FUZZ_ONLY),tests/fuzz/$(FUZZ_ONLY).c,$(FUZZ_SRC)); do \
	    name=$$(basename $$src .c); \
	    extra=; [ $$name = fuzz_http ] && extra="-Isrc -Dmain=forcewatch_main \
	        -DFW_POLICY_DIR=\"$(CURDIR)/policies\" -DFW_PROFILE_DIR=\"$(CURDIR)/profiles\" \
	        -DFW_WEB_DIR=\"$(CURDIR)/web/dist\" $(CLI_SRC)"; \
	    clang -std=c11 -g -O1 -D_DEFAULT_SOURCE -Iinclude -Ilib \
	        -fsanitize=fuzzer,address,undefined $$src $(LIB_SRC) $$extra \
	        -o $(BUILD)/fuzz/$$name $(LDLIBS) || exit 1; \
	    mkdir -p $(BUILD)/fuzz/$$name-corpus; \
	    $(BUILD)/fuzz/$$name -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        $(BUILD)/fuzz/$$name-corpus tests/fuzz/corpus/$$name || exit 1; \
	done

bench: $(FW) bench/gen
	bench/add
	bench/review
	bench/verify
	bench/import

clean:
	rm -rf build build-san forcewatch bench/gen demo.db demo.db-wal demo.db-shm web/dist

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BUILD)/tests/unit/*.d $(BUILD)/tests/fuzz/*.d
.SECONDARY:
