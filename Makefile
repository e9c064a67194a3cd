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
CFLAGS   += -std=gnu11 -g $(OPT) $(WARNINGS) -D_GNU_SOURCE -Iirrd -Iwhois -Icert -Imailgate $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(if $(SANITIZE),-fsanitize=address$(,)undefined)
LDLIBS   += $(PKG_LIBS) -lcrypt -lpthread
, := ,

# The core library: RPSL, store, configuration, loader.
CORE_SRCS := \
	irrd/xalloc.c irrd/log.c irrd/strbuf.c irrd/timefmt.c \
	irrd/prefix.c irrd/asn.c \
	irrd/config.c \
	irrd/rpsl_schema.c irrd/rpsl_syntax.c irrd/rpsl_object.c \
	irrd/rpsl_parse.c irrd/rpsl_render.c irrd/rpsl_reader.c irrd/rpsl_filter.c \
	irrd/store.c irrd/store_schema.c irrd/store_index.c irrd/store_write.c \
	irrd/loader.c \
	irrd/update_auth.c irrd/auth_limit.c irrd/update_engine.c irrd/notify.c \
	irrd/alloc.c irrd/alloc_import.c irrd/authlist.c irrd/authlist_enforce.c irrd/authlist_check.c \
	irrd/pgp.c irrd/x509.c irrd/keycert.c irrd/signed_input.c

# The certificate authority: issuance, CRLs, verification (only this code holds CA keys).
CERT_SRCS := cert/ca.c cert/ca_issue.c cert/ca_crl.c cert/ca_verify.c cert/access_key.c cert/ca_cli.c

# The whois front end: event loop, query dispatch, IRRd and RIPE dialects, sets.
WHOIS_SRCS := \
	whois/whois_data.c whois/origin_index.c whois/set_expand.c \
	whois/whois_query.c whois/irr_query.c whois/ripe_query.c \
	whois/whois_server.c

# The mail gateway: MIME (GMime), signature checklists, replay, replies, spool.
MAIL_SRCS := \
	mailgate/mail_message.c mailgate/mail_verify.c mailgate/mail_replay.c \
	mailgate/mail_reply.c mailgate/mail_spool.c mailgate/mail_process.c
GMIME_CFLAGS := $(shell pkg-config --cflags gmime-3.0 2>/dev/null)
GMIME_LIBS   := $(shell pkg-config --libs gmime-3.0 2>/dev/null || echo -lgmime-3.0 -lgio-2.0 -lgobject-2.0 -lglib-2.0)

PROGRAMS   := irrd irrctl irr-mailgate
irrd_SRCS   := irrd/irrd.c $(WHOIS_SRCS)
irrctl_SRCS := irrd/irrctl.c irrd/authlist_cli.c $(CERT_SRCS)
irr-mailgate_SRCS := mailgate/mailgate.c $(MAIL_SRCS) $(filter-out cert/ca_cli.c,$(CERT_SRCS))
irr-mailgate_LIBS := $(GMIME_LIBS)

# Helpers the integration tests run (tests/tools/*.c): each one file, OpenSSL only.
TEST_TOOLS := cms_reencode
UNIT_TESTS := test_prefix test_asn test_rpsl test_config test_store test_origin_index test_update_hook test_engine
FUZZ_TARGETS := fuzz_rpsl_parse fuzz_config fuzz_whois_query fuzz_cms fuzz_csr fuzz_mail fuzz_alloc_import

CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
WHOIS_OBJS := $(WHOIS_SRCS:%.c=$(BUILD)/obj/%.o)
CERT_OBJS := $(filter-out $(BUILD)/obj/cert/ca_cli.o,$(CERT_SRCS:%.c=$(BUILD)/obj/%.o))
CORE_LIB  := $(BUILD)/libroutereg.a
BINS      := $(PROGRAMS:%=$(BUILD)/bin/%)
TEST_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/%) $(FUZZ_TARGETS:%=$(BUILD)/tests/%_replay) \
             $(BUILD)/tests/gen_registry $(BUILD)/tests/bench_parse $(BUILD)/tests/whois_load \
             $(BUILD)/tests/bench_update $(BUILD)/tests/bench_mail $(BUILD)/tests/bench_authlist \
             $(TEST_TOOLS:%=$(BUILD)/tests/%)

.PHONY: all check tests bench run fuzz install deps clean
all: $(BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# Only the mail gateway sees GLib's headers.
$(BUILD)/obj/mailgate/%.o: CFLAGS += $(GMIME_CFLAGS)
$(BUILD)/obj/tests/fuzz/fuzz_mail.o: CFLAGS += $(GMIME_CFLAGS)

$(CORE_LIB): $(CORE_OBJS)
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
$(BUILD)/tests/fuzz_mail_replay: $(BUILD)/obj/tests/fuzz/fuzz_mail.o $(BUILD)/obj/tests/fuzz/replay.o $(MAIL_OBJS) $(CERT_OBJS) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(GMIME_LIBS)

$(BUILD)/tests/fuzz_%_replay: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o $(WHOIS_OBJS) $(CERT_OBJS) $(CORE_LIB)
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

$(BUILD)/tests/bench_mail: $(BUILD)/obj/tests/bench/bench_mail.o $(BUILD)/obj/tests/bench/bench_util.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^

$(BUILD)/tests/whois_load: $(BUILD)/obj/tests/bench/whois_load.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/gen_registry: $(BUILD)/obj/tests/bench/gen_registry.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/tools/%.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

tests: $(BINS) $(TEST_BINS)

deps:
	@sh scripts/deps.sh

check: deps
	$(MAKE) BUILD=build/san SANITIZE=1 tests
	BUILD=build/san sh tests/run

bench: deps all $(BUILD)/tests/gen_registry $(BUILD)/tests/bench_parse $(BUILD)/tests/whois_load $(BUILD)/tests/bench_update \
       $(BUILD)/tests/bench_mail $(BUILD)/tests/bench_authlist
	BUILD=$(BUILD) sh tests/bench/run-bench.sh

run: deps all
	sh demo/run-demo.sh $(BUILD)

# libFuzzer builds (clang): build/fuzz/fuzz_rpsl_parse tests/fuzz/corpus/rpsl_parse
fuzz:
	@mkdir -p build/fuzz
	for t in $(FUZZ_TARGETS); do \
	  clang -std=gnu11 -g -O1 -D_GNU_SOURCE -Iirrd -Icert -Imailgate $(GMIME_CFLAGS) -fsanitize=fuzzer,address,undefined \
	    -Iwhois -o build/fuzz/$$t tests/fuzz/$$t.c $(CORE_SRCS) $(WHOIS_SRCS) $(MAIL_SRCS) $(filter-out cert/ca_cli.c,$(CERT_SRCS)) \
	    $(PKG_LIBS) $(GMIME_LIBS) -lcrypt -lpthread || exit 1; \
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
