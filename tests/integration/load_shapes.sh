# What real registries publish (issue 16, "Keep what real registries publish"): every
# object of tests/fixtures/registry-shapes.db loads in tolerant mode with normalised
# keys and is served by whois under them; the same shapes stay refused in updates to
# our own source.
. tests/lib.sh

CONF="$WORK/irr.conf"
write_config "$CONF" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "mail.sendmail = /bin/true"
"$BIN/irrctl" -c "$CONF" load --source RIPE tests/fixtures/registry-shapes.db >"$WORK/load.out" 2>&1
check "every object of the corpus loads (12, none skipped)" grep -q 'loaded 12 objects, skipped 0' "$WORK/load.out"
check "irrd starts" start_irrd "$CONF" "$WORK/irrd.log"
whois_raw '-r -s RIPE 192.0.2.0/24\n' >"$WORK/got"
check "192.0.02.0/24 is served as 192.0.2.0/24" grep -qx 'route:          192.0.2.0/24' "$WORK/got"
check "!g of the ASN written as065537" test "$(whois_raw '!!\n!sRIPE\n!gAS65537\n!q\n')" = "$(printf 'C\nA16\n198.51.100.0/24\nC')"
check "aut-num AS064500 is AS64500" sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r -s RIPE AS64500\\n\" >&3; timeout 5 cat <&3' | grep -q '^aut-num: *AS64500'"
whois_raw '-r -s RIPE -T route 203.0.113.0/24\n' >"$WORK/got"
check "the object with a whitespace-only line is one object" sh -c "grep -q 'still the same object' '$WORK/got' && grep -q '^origin: *AS64497' '$WORK/got'"
check "domain objects are served" sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r -s RIPE -T domain 2.0.192.in-addr.arpa\\n\" >&3; timeout 5 cat <&3' | grep -q '^domain:'"
check "irt objects are served" sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r -s RIPE IRT-EXAMPLE\\n\" >&3; timeout 5 cat <&3' | grep -q '^irt:'"
check "an organisation key without ORG-" sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r -s RIPE EXAMPLE-ORG\\n\" >&3; timeout 5 cat <&3' | grep -q '^organisation: *EXAMPLE-ORG'"
check "geofeed: is kept" sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r -s RIPE -T inet6num 2001:db8::/32\\n\" >&3; timeout 5 cat <&3' | grep -q '^geofeed:'"
check "!i of the as-set with zero-padded members" test "$(whois_raw '!!\n!sRIPE\n!iAS-SHAPES\n!q\n')" = "$(printf 'C\nA15\nAS64496 AS-FOO\nC')"
stop_irrd "after the corpus" "$WORK/irrd.log"

# Our own source stays strict.
printf 'route:          192.0.02.0/24\ndescr:          x\norigin:         AS64496\nmnt-by:         MAINT-X\nsource:         JPIRR\n' >"$WORK/ours.db"
"$BIN/irrctl" -c "$CONF" submit <"$WORK/ours.db" >"$WORK/submit.out" 2>&1
check "an update to our source with a zero-padded octet is refused, naming it" grep -qi 'route: not a valid IPv4' "$WORK/submit.out"
printf 'domain:         2.0.192.in-addr.arpa\nadmin-c:        XX1-JP\ntech-c:         XX1-JP\nzone-c:         XX1-JP\nmnt-by:         MAINT-X\nsource:         JPIRR\n' >"$WORK/ours.db"
"$BIN/irrctl" -c "$CONF" submit <"$WORK/ours.db" >"$WORK/submit.out" 2>&1
check "a domain object for our source is refused" grep -q 'class domain is kept from other registries but is not a class of this one' "$WORK/submit.out"

# The same shapes arriving over NRTM: a mirror keeps every one (the reader and the mirror's tolerant parse)
FAKE="$WORK/fake"
awk 'BEGIN { RS = ""; n = 1 } /^#/ { next } { body[n++] = $0 } END {
	printf "%%START Version: 3 RIPE 2-%d\n", n
	for (i = 1; i < n; i++) printf "\nADD %d\n\n%s\n", i + 1, body[i]
	printf "\n%%END RIPE\n" }' tests/fixtures/registry-shapes.db >"$FAKE"
python3 "$REPO/tests/tools/fake_nrtm.py" "$FAKE" >"$WORK/fake.port" 2>/dev/null &
PIDS="$PIDS $!"
i=0
while [ ! -s "$WORK/fake.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
printf 'mntner:         MAINT-SEED\ndescr:          seed\nadmin-c:        XX1-RIPE\nupd-to:         a@example.net\nauth:           MAIL-FROM a@example.net\nmnt-by:         MAINT-SEED\nsource:         RIPE\n' >"$WORK/seed.db"
echo 1 >"$WORK/RIPE.CURRENTSERIAL"
write_config "$WORK/m.conf" "$WORK/m.db" LOCAL "mirror.RIPE.nrtm = 127.0.0.1:$(cat "$WORK/fake.port")" \
	"mirror.RIPE.dump = $WORK/seed.db" "mirror.RIPE.serial = $WORK/RIPE.CURRENTSERIAL"
"$BIN/irrd" --run-job mirror -c "$WORK/m.conf" >"$WORK/mirror.log" 2>&1
check "over NRTM every shape is applied (12 changes, none skipped)" grep -q 'serial 0 -> 13, 12 changes applied' "$WORK/mirror.log"
check "with the keys normalised" sh -c "sqlite3 '$WORK/m.db' \"SELECT pkey FROM objects\" | grep -qx '192.0.2.0/24AS64496' && sqlite3 '$WORK/m.db' \"SELECT pkey FROM objects\" | grep -qx 'AS64500'"
