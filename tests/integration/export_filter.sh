# irrctl export filter (issue 15, "Filter export"): the prefixes of AS-EXAMPLE from the
# demo registry under each policy (irr, rpki, verified, strict), with the RPKI states
# from the VRP table irrd writes and the marks of an authorisation list entry; the
# JSON fields; -4/-6, one ASN, errors; and that BIRD 2 (`bird -p`) and OpenBGPD
# (`bgpd -n`) accept the files written for them.
. tests/lib.sh

CONF="$WORK/irr.conf"
# 192.0.2.0/24 AS64496 valid; 192.0.2.128/25 AS65536 and 198.51.100.0/25 AS64496
# invalid (covered, no match); 2001:db8:1200::/40 AS65536 invalid; 2001:db8:1000::/36
# AS64496 not_found (the only VRP of IPv6 is more specific).
printf '{ "roas": [\n  { "asn": 64496, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "test" },\n  { "asn": 64497, "prefix": "198.51.100.0/24", "maxLength": 24, "ta": "test" },\n  { "asn": 64496, "prefix": "2001:db8:1200::/40", "maxLength": 40, "ta": "test" }\n] }\n' >"$WORK/vrps.json"
write_config "$CONF" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "authlist.unallocated = allow" \
	"mail.sendmail = /bin/true" "sources.default = JPIRR, RADB" "rpki.vrp_file = $WORK/vrps.json"
# a route of AS64496 in another source: in the IRR, never verified by our list
printf 'route:          203.0.113.0/24\ndescr:          elsewhere\norigin:         AS64496\nmnt-by:         MAINT-X\nsource:         RADB\n' >"$WORK/radb.db"
irrctl() { "$BIN/irrctl" -c "$CONF" "$@"; }
irrctl load --source JPIRR demo/jpirr.db >/dev/null
irrctl load --source RADB "$WORK/radb.db" >/dev/null
# one entry of the authorisation list verifies 192.0.2.0/24 and its more specific 192.0.2.128/25
irrctl lir add --id LIR-A --name "LIR A" --email a@example.jp >/dev/null
irrctl alloc add --lir LIR-A --prefix 192.0.2.0/24 --status allocated >/dev/null
irrctl authlist add --as-lir LIR-A --prefix 192.0.2.0/24 --action allow --mntner MAINT-EXAMPLE-JP >/dev/null
check "the entry marks two routes" test "$(irrctl authlist routes --verified | grep -c 'verified by authorisation list entry #1')" -eq 2

# export POLICY [ARGS...]: plain output in $WORK/out, exit status in $WORK/rc
export_plain() { irrctl export filter AS-EXAMPLE --policy "$@" >"$WORK/out" 2>"$WORK/err"; echo $? >"$WORK/rc"; }
rc_is() { test "$(cat "$WORK/rc")" = "$1"; }
is_out() { test "$(cat "$WORK/out")" = "$(printf "$1")"; }

export_plain rpki
check "before irrd wrote its VRPs the rpki policy refuses (exit 1)" rc_is 1
check "and says why" grep -qF 'irrd has not written the VRPs in force to the database' "$WORK/err"
export_plain irr --format json
check "before irrd wrote its VRPs the JSON rpki state is null" grep -q '"rpki": null' "$WORK/out"

check "irrd starts" start_irrd "$CONF" "$WORK/irrd.log"
i=0
while [ "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_vrp')" != 3 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "irrd writes the 3 VRPs to the database" test $i -lt 100
stop_irrd "after writing the VRPs" "$WORK/irrd.log"

export_plain irr
check "irr: every route of the set's ASes in the default sources" \
	is_out '192.0.2.0/24\n192.0.2.128/25\n198.51.100.0/25\n203.0.113.0/24\n2001:db8:1000::/36\n2001:db8:1200::/40'
export_plain rpki
check "rpki: the invalid routes left out, valid and not_found kept" \
	is_out '192.0.2.0/24\n203.0.113.0/24\n2001:db8:1000::/36'
export_plain verified
check "verified: only the routes of our source the list verified" is_out '192.0.2.0/24\n192.0.2.128/25'
export_plain strict
check "strict: verified and not RPKI-invalid" is_out '192.0.2.0/24'
export_plain irr -4
check "-4: IPv4 only" is_out '192.0.2.0/24\n192.0.2.128/25\n198.51.100.0/25\n203.0.113.0/24'
export_plain irr -6
check "-6: IPv6 only" is_out '2001:db8:1000::/36\n2001:db8:1200::/40'
irrctl export filter AS64497 --policy irr >"$WORK/out"
check "one ASN instead of a set" is_out '198.51.100.0/24'
irrctl export filter AS-NOWHERE --policy irr >"$WORK/out" 2>"$WORK/err"; echo $? >"$WORK/rc"
check "an unknown set: exit 1 with a message" sh -c "test $(cat "$WORK/rc") = 1 && grep -q 'no as-set or AS \"AS-NOWHERE\"' '$WORK/err'"
irrctl export filter AS-EXAMPLE --policy lax >/dev/null 2>&1; echo $? >"$WORK/rc"
check "an unknown policy: usage error (exit 2)" rc_is 2
irrctl export filter AS-EXAMPLE --policy irr --format bird --name 'a;b' >/dev/null 2>&1; echo $? >"$WORK/rc"
check "a name routers would not take bare: usage error (exit 2)" rc_is 2
irrctl export filter AS-EXAMPLE --policy irr --format openbgpd --name from >/dev/null 2>"$WORK/err"; echo $? >"$WORK/rc"
check "a word of bgpd.conf as the name (from): usage error (exit 2), said so" sh -c "test \$(cat '$WORK/rc') = 2 && grep -q 'no word of bgpd.conf' '$WORK/err'"

irrctl export filter AS-EXAMPLE --policy irr --format json >"$WORK/json"
# one line per route: prefix origin source mark rpki
jq -r '.routes[] | "\(.prefix) \(.origin) \(.source) \(.mark) \(.rpki)"' "$WORK/json" >"$WORK/out"
check "json: prefix, origin, source, mark and RPKI state of every route" is_out \
	'192.0.2.0/24 64496 JPIRR 1 valid\n192.0.2.128/25 65536 JPIRR 1 invalid\n198.51.100.0/25 64496 JPIRR null invalid\n203.0.113.0/24 64496 RADB null not_found\n2001:db8:1000::/36 64496 JPIRR null not_found\n2001:db8:1200::/40 65536 JPIRR null invalid'
check "json: the VRPs covering each route (the reason for its state)" \
	test "$(jq -c '[.routes[] | select(.prefix == "192.0.2.128/25" or .prefix == "203.0.113.0/24") | .vrps]' "$WORK/json")" = \
	'[[{"asn":64496,"max_length":24,"prefix":"192.0.2.0/24","ta":"test"}],[]]'
check "json: target, name and policy" test "$(jq -r '"\(.target) \(.name) \(.policy)"' "$WORK/json")" = "AS-EXAMPLE AS_EXAMPLE irr"
irrctl export filter AS-EXAMPLE --policy strict --format json >"$WORK/json"
check "json under strict: the one route" test "$(jq -c '[.routes[] | .prefix]' "$WORK/json")" = '["192.0.2.0/24"]'

# The routers' own parsers accept what we write, including an empty set.
irrctl export filter AS-EXAMPLE --policy rpki --format bird >"$WORK/gen.conf"
irrctl export filter AS64499 --policy irr --format bird --name NONE >"$WORK/none.conf"
check "bird: both families, each its own set" \
	sh -c "grep -q '^define AS_EXAMPLE_v4 = \\[' '$WORK/gen.conf' && grep -q '^define AS_EXAMPLE_v6 = \\[' '$WORK/gen.conf'"
if command -v bird >/dev/null 2>&1 && bird --version >/dev/null 2>&1; then
	cat >"$WORK/bird.conf" <<X
router id 192.0.2.1;
protocol device {}
include "$WORK/gen.conf";
include "$WORK/none.conf";
filter customer_in {
	if net.type = NET_IP4 && net ~ AS_EXAMPLE_v4 then accept;
	if net.type = NET_IP6 && net ~ AS_EXAMPLE_v6 then accept;
	if net ~ NONE_v4 || net ~ NONE_v6 then accept;
	reject;
}
X
	check "bird -p accepts the generated prefix sets (one empty)" sh -c "bird -p -c '$WORK/bird.conf' >'$WORK/bird.out' 2>&1"
else
	ok "# SKIP bird -p: bird (Debian bird2) is not installed or cannot run"
fi
irrctl export filter AS-EXAMPLE --policy irr --format openbgpd >"$WORK/gen.bgpd"
irrctl export filter AS64499 --policy irr --format openbgpd --name NONE >"$WORK/none.bgpd"
check "openbgpd: one prefix-set with both families" \
	sh -c "grep -q '^prefix-set AS_EXAMPLE {' '$WORK/gen.bgpd' && grep -q '2001:db8:1000::/36' '$WORK/gen.bgpd' && grep -q '192.0.2.0/24' '$WORK/gen.bgpd'"
if command -v bgpd >/dev/null 2>&1; then
	cat >"$WORK/bgpd.conf" <<X
AS 64496
router-id 192.0.2.1
include "$WORK/gen.bgpd"
include "$WORK/none.bgpd"
allow from any prefix-set AS_EXAMPLE
allow from any prefix-set NONE
X
	chmod 600 "$WORK/bgpd.conf"
	if bgpd -n -f "$WORK/bgpd.conf" >"$WORK/bgpd.out" 2>&1; then ok "bgpd -n accepts the generated prefix-sets (one empty)"
	elif grep -qi 'permission\|operation not permitted\|unknown user' "$WORK/bgpd.out"; then
		ok "# SKIP bgpd -n cannot run here: $(head -n 1 "$WORK/bgpd.out")"
	else not_ok "bgpd -n accepts the generated prefix-sets"; sed 's/^/#   /' "$WORK/bgpd.out"; fi
else
	ok "# SKIP bgpd -n: bgpd (Debian openbgpd) is not installed"
fi

# The same policies over whois, for bgpq4: a listener per policy ("ADDR POLICY" in
# whois.listen) answers with exactly the routes the export keeps.
sed -i 's/^whois.listen = .*/whois.listen = 127.0.0.1:0, 127.0.0.1:0 irr, 127.0.0.1:0 rpki, 127.0.0.1:0 verified, 127.0.0.1:0 strict/' "$CONF"
check "irrd starts with a listener per policy" start_irrd "$CONF" "$WORK/irrd.log"
ports=$(sed -n 's/.*whois: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/irrd.log" | tr '\n' ' ')
check "five listeners" test "$(echo $ports | wc -w)" = 5
set -- $ports
default_port=$1
shift
for policy in irr rpki verified strict; do
	port=$1
	shift
	irrctl export filter AS-EXAMPLE --policy $policy >"$WORK/want"
	if command -v bgpq4 >/dev/null 2>&1; then
		{ bgpq4 -h "127.0.0.1:$port" -4 -F '%n/%l\n' AS-EXAMPLE; bgpq4 -h "127.0.0.1:$port" -6 -F '%n/%l\n' AS-EXAMPLE; } \
			>"$WORK/got" 2>"$WORK/bgpq4.err"
		check "bgpq4 on the $policy listener: the prefixes irrctl export filter --policy $policy writes" \
			test "$(sort "$WORK/got")" = "$(sort "$WORK/want")"
	else
		ok "# SKIP bgpq4 is not installed"
	fi
	PORT=$port
	got=$( (whois_raw '!a4AS-EXAMPLE\n'; whois_raw '!a6AS-EXAMPLE\n') | grep -v '^[AC]' | tr ' ' '\n' | grep . | sort)
	check "!a on the $policy listener: the same prefixes" test "$got" = "$(sort "$WORK/want")"
done
PORT=$(echo $ports | cut -d' ' -f4)   # verified
check "policy verified: !g leaves out our unverified route" \
	test "$(whois_raw '!gAS64496\n')" = "$(printf 'A13\n192.0.2.0/24\nC')"
check "policy verified: RIPE-style leaves out the unverified route object" \
	sh -c "! bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r -x 198.51.100.0/25\\n\" >&3; timeout 5 cat <&3' | grep -q '^route:'"
check "policy verified: other sources' routes are left out" \
	sh -c "! bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r -s RADB 203.0.113.0/24\\n\" >&3; timeout 5 cat <&3' | grep -q '^route:'"
check "policy verified: other objects are answered" \
	sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r AS64496\\n\" >&3; timeout 5 cat <&3' | grep -q '^aut-num:'"
PORT=$default_port
check "the listener without a policy follows rpki.filter_invalid (yes: the rpki policy)" \
	test "$(whois_raw '!gAS64496\n')" = "$(printf 'A28\n192.0.2.0/24 203.0.113.0/24\nC')"
stop_irrd "after the policy listeners" "$WORK/irrd.log"
sed -i 's/^whois.listen = .*/whois.listen = 127.0.0.1:0 lax/' "$CONF"
"$BIN/irrd" -c "$CONF" >"$WORK/bad.log" 2>&1
check "a listener with an unknown policy word: irrd refuses to start, naming the words" \
	grep -qF 'must be a route policy: irr, rpki, verified or strict' "$WORK/bad.log"
