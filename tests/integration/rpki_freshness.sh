# How fresh the VRPs in force are (found by the adversarial review of issue 15): a
# VRP past its "expires" is dropped (at load, and when it expires while in force); a
# VRP file nobody rewrites is reported stale after rpki.stale_after, as a validator
# that stopped would leave it; a rewrite makes the set fresh again.
. tests/lib.sh

now=$(date +%s)
# expires: long ago, in 3 s, far ahead
printf '{ "roas": [\n { "asn": 64499, "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "t", "expires": %s },\n { "asn": 64497, "prefix": "198.51.100.0/24", "maxLength": 24, "ta": "t", "expires": %s },\n { "asn": 64496, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "t", "expires": %s }\n] }\n' \
	$((now - 3600)) $((now + 3)) $((now + 86400)) >"$WORK/vrps.json"
write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" \
	"rpki.vrp_file = $WORK/vrps.json" "rpki.refresh_interval = 1" "rpki.stale_after = 5"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
check "irrd starts" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
rpki_g() { whois_raw "!!\n!sRPKI\n!g$1\n!q\n"; }
check "a VRP already expired is not in force" test "$(rpki_g AS64499)" = "$(printf 'C\nD')"
check "the others are" test "$(rpki_g AS64497)" = "$(printf 'C\nA16\n198.51.100.0/24\nC')"
i=0
while [ "$(rpki_g AS64497)" != "$(printf 'C\nD')" ] && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
check "a VRP that expires while in force is dropped (the file is read again)" test "$(rpki_g AS64497)" = "$(printf 'C\nD')"
check "and the one valid for a day stays" test "$(rpki_g AS64496)" = "$(printf 'C\nA13\n192.0.2.0/24\nC')"
i=0
while ! grep -q 'the VRP set in force is stale' "$WORK/irrd.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "a file not rewritten for rpki.stale_after (5 s) is reported stale" \
	grep -q 'RPKI: the VRP set in force is stale: no fresh VRPs for [0-9]* s (rpki.stale_after 5 s: the file was neither rewritten nor loaded); it stays in force' "$WORK/irrd.log"
check "the stale set stays in force" test "$(rpki_g AS64496)" = "$(printf 'C\nA13\n192.0.2.0/24\nC')"
stale=$(grep -c 'is stale' "$WORK/irrd.log")
touch "$WORK/vrps.json"
sleep 2
check "a rewrite makes it fresh: loaded again, no new stale report" \
	sh -c "test \$(grep -c 'is stale' '$WORK/irrd.log') = $stale && test \$(grep -c 'VRPs in force from' '$WORK/irrd.log') -ge 3"
stop_irrd "after the freshness tests" "$WORK/irrd.log"

# a broken file is said once, and read again only when it changes
echo "broken" >"$WORK/vrps.json"
check "irrd starts on a broken VRP file" start_irrd "$WORK/irr.conf" "$WORK/irrd2.log"
sleep 3
check "the same broken file is reported once in 3 s, not at every look" test "$(grep -c 'not a VRP file' "$WORK/irrd2.log")" = 1
stop_irrd "with the broken file" "$WORK/irrd2.log"
