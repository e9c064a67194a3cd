# routereg — plain GNU Makefile. The source lists below are the map of the code.
#   make            build build/bin/{irrd,irrctl,irr-mailgate} with -Werror
#   make check      install missing packages, build an ASan+UBSan variant, run every test
#   make bench      run the benchmarks (1M-object synthetic registry), see docs/performance.md
#   make run        install missing packages, build, load the demo registry, start irrd
#   make fuzz       build libFuzzer targets with clang (corpora are replayed by make check)
#   make install    PREFIX=/usr/local DESTDIR=
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= gcc
BUILD    ?= build
SANITIZE ?=

PKGS     := sqlite3 zlib gpgme openssl jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lz -lgpgme -lssl -lcrypto -ljansson)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wmissing-declarations -Wsign-compare -Wformat=2 \
            -Wwrite-strings -Wundef
OPT      := -O2
ifneq ($(SANITIZE),)
OPT      := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
CFLAGS   ?=
CFLAGS   += -std=gnu11 -g $(OPT) $(WARNINGS) -D_GNU_SOURCE $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(if $(SANITIZE),-fsanitize=address$(,)undefined)
LDLIBS   += $(PKG_LIBS) -lcrypt -lpthread
, := ,

# ---- The layers (docs/architecture.md). Each folder is compiled with the include
# paths of its own and the layers it may use, and no others: an include that points
# the wrong way (the store including the update engine, irrd including the CA's key
# half) stops the build. `make layers` proves the rule by trying every forbidden pair.
LIB_LAYERS := irrd/base irrd/rpsl irrd/conf irrd/store irrd/sig irrd/query irrd/update irrd/authlist \
              irrd/event irrd/rpki irrd/mirror cert/verify
USES_irrd/base     :=
USES_irrd/rpsl     := irrd/base
USES_irrd/conf     := irrd/base irrd/rpsl
USES_irrd/store    := irrd/base irrd/rpsl irrd/conf
USES_irrd/sig      := $(USES_irrd/store) irrd/store
USES_irrd/query    := $(USES_irrd/store) irrd/store irrd/rpki
USES_irrd/update   := $(USES_irrd/sig) irrd/sig
USES_irrd/authlist := $(USES_irrd/update) irrd/update irrd/rpki
USES_irrd/event    := irrd/base
USES_irrd/rpki     := irrd/base
USES_irrd/mirror   := $(USES_irrd/store) irrd/store
USES_cert/verify   := $(USES_irrd/sig) irrd/sig
# Apart from the libraries: the CA's key half, linked by irrctl alone.
USES_cert/key      := cert/verify $(USES_cert/verify)
# Programs and protocol front ends on top.
USES_whois         := $(USES_irrd/query) irrd/query irrd/event irrd/authlist irrd/mirror
USES_mailgate      := $(USES_irrd/authlist) irrd/authlist cert/verify
USES_irrd/daemon   := $(USES_whois) whois irrd/update irrd/sig irrd/mirror
USES_irrd/cli      := $(USES_irrd/authlist) irrd/authlist irrd/query irrd/mirror cert/verify cert/key
ALL_LAYERS := $(LIB_LAYERS) cert/key whois mailgate irrd/daemon irrd/cli
layer_cflags = $(addprefix -I,$(1) $(USES_$(1)))
$(foreach l,$(ALL_LAYERS),$(eval $$(BUILD)/obj/$(l)/%.o: LAYER_CFLAGS = $$(call layer_cflags,$(l))))
# Tests, fuzz targets and benchmarks see every layer.
$(BUILD)/obj/tests/%.o: LAYER_CFLAGS = $(addprefix -I,$(ALL_LAYERS))

LIB_SRCS  := $(foreach l,$(LIB_LAYERS),$(wildcard $(l)/*.c))
CERT_KEY_SRCS := $(wildcard cert/key/*.c)
WHOIS_SRCS := $(wildcard whois/*.c)
# The mail gateway: MIME (GMime), signature checklists, replay, replies, spool.
MAIL_SRCS := $(filter-out mailgate/mailgate.c,$(wildcard mailgate/*.c))
GMIME_CFLAGS := $(shell pkg-config --cflags gmime-3.0 2>/dev/null)
GMIME_LIBS   := $(shell pkg-config --libs gmime-3.0 2>/dev/null || echo -lgmime-3.0 -lgio-2.0 -lgobject-2.0 -lglib-2.0)

PROGRAMS   := irrd irrctl irr-mailgate
irrd_SRCS   := $(wildcard irrd/daemon/*.c) $(WHOIS_SRCS)
irrctl_SRCS := $(wildcard irrd/cli/*.c) $(CERT_KEY_SRCS)
irr-mailgate_SRCS := mailgate/mailgate.c $(MAIL_SRCS)
irr-mailgate_LIBS := $(GMIME_LIBS)
irrctl_LIBS = $(CURL_LIBS)

# libcurl fetches a mirrored source's dump and serial (irrd/mirror/fetch.c) over http, https
# and ftp; irrd (the mirror job) and irrctl link it.
CURL_LIBS := $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)

# RTRlib (RPKI to Router, RFC 8210) for irrd/rpki/rtr_client.c; only the programs that
# start an RTR client link it (the library's face, rtr_client.h, does not show RTRlib).
RTR_CFLAGS := $(shell pkg-config --cflags rtrlib 2>/dev/null)
RTR_LIBS   := $(shell pkg-config --libs rtrlib 2>/dev/null || echo -lrtr)
irrd_LIBS  := $(RTR_LIBS) $(CURL_LIBS)

# Helpers the integration tests run (tests/tools/*.c): each one file, libc or OpenSSL only,
# except rtr_dump (the RTR client of irrd/rpki, with the core library and RTRlib) and
# rtr_cut_cache (a cache that breaks off syncs, reading VRP files with the core library).
TEST_TOOLS := cms_reencode whois_hostile rtr_dump rtr_cut_cache
UNIT_TESTS := test_prefix test_asn test_rpsl test_config test_store test_origin_index test_update_hook test_engine test_authlist test_set_expand test_whois_output test_worker_pool test_vrp test_rov test_slurm test_nrtm3_reader
FUZZ_TARGETS := fuzz_rpsl_parse fuzz_config fuzz_whois_query fuzz_cms fuzz_csr fuzz_mail fuzz_alloc_import fuzz_vrp_json fuzz_vrp_csv fuzz_slurm fuzz_nrtm3_reader

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
WHOIS_OBJS := $(WHOIS_SRCS:%.c=$(BUILD)/obj/%.o)
CERT_KEY_OBJS := $(CERT_KEY_SRCS:%.c=$(BUILD)/obj/%.o)
CORE_LIB  := $(BUILD)/libroutereg.a
BINS      := $(PROGRAMS:%=$(BUILD)/bin/%)
TEST_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/%) $(FUZZ_TARGETS:%=$(BUILD)/tests/%_replay) \
             $(BUILD)/tests/gen_registry $(BUILD)/tests/bench_parse $(BUILD)/tests/whois_load $(BUILD)/tests/whois_echo \
             $(BUILD)/tests/bench_update $(BUILD)/tests/bench_mail $(BUILD)/tests/bench_authlist \
             $(BUILD)/tests/bench_rov $(TEST_TOOLS:%=$(BUILD)/tests/%)

.PHONY: all check tests bench run fuzz install deps clean layers
all: $(BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LAYER_CFLAGS) -c $< -o $@

# Only the mail gateway sees GLib's headers; only the rpki layer sees RTRlib's.
$(BUILD)/obj/mailgate/%.o: CFLAGS += $(GMIME_CFLAGS)
$(BUILD)/obj/irrd/rpki/%.o: CFLAGS += $(RTR_CFLAGS)
$(BUILD)/obj/tests/fuzz/fuzz_mail.o: CFLAGS += $(GMIME_CFLAGS)

$(CORE_LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

define program_rule
$(BUILD)/bin/$(1): $$(patsubst %.c,$(BUILD)/obj/%.o,$$($(1)_SRCS)) $(CORE_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS) $$($(1)_LIBS)
endef
$(foreach p,$(PROGRAMS),$(eval $(call program_rule,$(p))))

$(BUILD)/tests/test_%: $(BUILD)/obj/tests/unit/test_%.o $(WHOIS_OBJS) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Fuzz targets replayed over their corpus by a plain driver (no clang needed).
MAIL_OBJS := $(MAIL_SRCS:%.c=$(BUILD)/obj/%.o)
$(BUILD)/tests/fuzz_mail_replay: $(BUILD)/obj/tests/fuzz/fuzz_mail.o $(BUILD)/obj/tests/fuzz/replay.o $(MAIL_OBJS) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(GMIME_LIBS)

$(BUILD)/tests/fuzz_%_replay: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o $(WHOIS_OBJS) $(CERT_KEY_OBJS) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bench_parse: $(BUILD)/obj/tests/bench/bench_parse.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bench_update: $(BUILD)/obj/tests/bench/bench_update.o $(BUILD)/obj/tests/bench/bench_util.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bench_authlist: $(BUILD)/obj/tests/bench/bench_authlist.o $(BUILD)/obj/tests/bench/bench_util.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bench_rov: $(BUILD)/obj/tests/bench/bench_rov.o $(BUILD)/obj/tests/bench/bench_util.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bench_mail: $(BUILD)/obj/tests/bench/bench_mail.o $(BUILD)/obj/tests/bench/bench_util.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/tests/whois_load: $(BUILD)/obj/tests/bench/whois_load.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/whois_echo: $(BUILD)/obj/tests/bench/whois_echo.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/tests/gen_registry: $(BUILD)/obj/tests/bench/gen_registry.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/rtr_dump: $(BUILD)/obj/tests/tools/rtr_dump.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(RTR_LIBS)

$(BUILD)/tests/rtr_cut_cache: $(BUILD)/obj/tests/tools/rtr_cut_cache.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/tools/%.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The layer map for tests/integration/layers.sh: "LAYER USED-LAYER..." per line.
$(BUILD)/layers.map: Makefile
	@mkdir -p $(dir $@)
	@: >$@
	@$(foreach l,$(ALL_LAYERS),echo '$(l) $(USES_$(l))' >>$@;)

# Every forbidden include, tried: make layers (also part of make check).
layers: $(BUILD)/layers.map
	BUILD=$(BUILD) CC="$(CC)" sh tests/integration/layers.sh

tests: $(BINS) $(TEST_BINS) $(BUILD)/layers.map

deps:
	@sh scripts/deps.sh

check: deps
	$(MAKE) BUILD=build/san SANITIZE=1 tests
	BUILD=build/san sh tests/run

bench: deps all $(BUILD)/tests/gen_registry $(BUILD)/tests/bench_parse $(BUILD)/tests/whois_load $(BUILD)/tests/whois_echo $(BUILD)/tests/bench_update \
       $(BUILD)/tests/bench_mail $(BUILD)/tests/bench_authlist $(BUILD)/tests/bench_rov
	BUILD=$(BUILD) sh tests/bench/run-bench.sh

run: deps all
	sh demo/run-demo.sh $(BUILD)

# libFuzzer builds (clang): build/fuzz/fuzz_rpsl_parse tests/fuzz/corpus/rpsl_parse
fuzz:
	@mkdir -p build/fuzz
	for t in $(FUZZ_TARGETS); do \
	  clang -std=gnu11 -g -O1 -D_GNU_SOURCE $(addprefix -I,$(ALL_LAYERS)) $(GMIME_CFLAGS) $(RTR_CFLAGS) -fsanitize=fuzzer,address,undefined \
	    -o build/fuzz/$$t tests/fuzz/$$t.c $(LIB_SRCS) $(WHOIS_SRCS) $(MAIL_SRCS) $(CERT_KEY_SRCS) \
	    $(PKG_LIBS) $(GMIME_LIBS) $(RTR_LIBS) $(CURL_LIBS) -lcrypt -lpthread || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/doc/routereg
	install -m 0755 $(BUILD)/bin/irrd $(BUILD)/bin/irrctl $(BUILD)/bin/irr-mailgate $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/routereg/
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|' contrib/systemd/routereg-crl.service \
	    >$(DESTDIR)$(PREFIX)/lib/systemd/system/routereg-crl.service
	install -m 0644 contrib/systemd/routereg-crl.timer $(DESTDIR)$(PREFIX)/lib/systemd/system/

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
