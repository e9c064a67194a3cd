# RPKI in whois (issue 15): VRPs from a file (rpki.vrp_file), states of route objects
# in RIPE-style output, RPKI-invalid routes left out of !g/!6/!r and RIPE answers,
# !fno-rpki-filter, per-source exclusion, a changed file taken over while running,
# a broken file refused with the previous set kept, and a stale set reported.
. tests/lib.sh

# 203.0.113.0/24: a VRP with no route object, for the pseudo-source RPKI
vrp_json "192.0.2.0/24 24 64496" "198.51.100.0/24 24 64497" "203.0.113.0/24 24 64496" >"$WORK/vrps.json"
write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" \
	"rpki.vrp_file = $WORK/vrps.json" "rpki.refresh_interval = 1" "rpki.stale_after = 2"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
check "irrd starts with a VRP file" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
check "the VRPs in force are logged" contains "$WORK/irrd.log" "RPKI: 3 VRPs in force from $WORK/vrps.json"

check "!g leaves out the RPKI-invalid route (198.51.100.0/25 AS64496: covered by AS64497's VRP)" \
	test "$(whois_raw '!gAS64496\n')" = "$(printf 'A13\n192.0.2.0/24\nC')"
check "!g of an origin whose only route is invalid: D" test "$(whois_raw '!gAS65536\n')" = "D"
check "!fno-rpki-filter: the invalid route is answered too" \
	test "$(whois_raw '!!\n!fno-rpki-filter\n!gAS64496\n!q\n')" = "$(printf 'C\nA29\n192.0.2.0/24 198.51.100.0/25\nC')"
got=$(whois_raw '!fsomething\n')
check "!f with another word: F naming the one there is" sh -c "printf '%s' '$got' | grep -q '^F .*no-rpki-filter'"
check "!6: a route6 no VRP covers (not_found) stays" test "$(whois_raw '!6AS64496\n')" = "$(printf 'A19\n2001:db8:1000::/36\nC')"
whois_raw '!a4AS-EXAMPLE\n' >"$WORK/got"
check "!a leaves out members' invalid routes (AS-EXAMPLE: 192.0.2.0/24 only)" \
	test "$(cat "$WORK/got")" = "$(printf 'A13\n192.0.2.0/24\nC')"
# route-set expansion (bgpq4 on a route-set asks !i...,1): an AS member's invalid route is left out too
check "!i route-set,1 leaves out an AS member's RPKI-invalid route (192.0.2.128/25 AS65536)" \
	test "$(whois_raw '!iAS64496:RS-CUSTOMERS,1\n')" = "$(printf 'A74\n192.0.2.0/24^- 198.51.100.0/24^25 2001:db8:1000::/36^- 2001:db8:1200::/40\nC')"
check "!i route-set,1 with !fno-rpki-filter: the invalid route is there" \
	sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf \"!!\n!fno-rpki-filter\n!iAS64496:RS-CUSTOMERS,1\n!q\n\" >&3; timeout 5 cat <&3' | grep -q ' 192.0.2.128/25 '"
whois_raw '!r192.0.2.0/24,M\n' >"$WORK/got"
check "!r,M: the invalid more-specific is left out" sh -c "! grep -q '^route: *192.0.2.128/25' '$WORK/got'"

# The pseudo-source RPKI: one route per VRP, by name only.
check "!sRPKI then !g: the prefixes of the AS's VRPs" \
	test "$(whois_raw '!!\n!sRPKI\n!gAS64497\n!q\n')" = "$(printf 'C\nA16\n198.51.100.0/24\nC')"
check "!sRPKI,JPIRR !g: both sources' prefixes, JPIRR's invalid one left out" \
	test "$(whois_raw '!!\n!sRPKI,JPIRR\n!gAS64496\n!q\n')" = "$(printf 'C\nA28\n192.0.2.0/24 203.0.113.0/24\nC')"
check "!s-lc lists RPKI when chosen" test "$(whois_raw '!!\n!sJPIRR,RPKI\n!s-lc\n!q\n')" = "$(printf 'C\nA11\nJPIRR,RPKI\nC')"
check "RPKI is not one of every source (!s-*)" sh -c "! bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf \"!!\n!s-*\n!s-lc\n!q\n\" >&3; timeout 5 cat <&3' | grep -q RPKI"
# Its objects, as IRRd lays them out: by prefix (RIPE-style and !r), by origin, by key.
cat >"$WORK/pseudo" <<'OBJ'
route:          203.0.113.0/24
descr:          RPKI ROA for 203.0.113.0/24 / AS64496
remarks:        This route object represents a validated ROA payload of the RPKI
                in force at this registry; it is not registered in any IRR.
max-length:     24
origin:         AS64496
source:         RPKI  # Trust Anchor: test
OBJ
whois_raw '-r -s RPKI 203.0.113.0/24\n' >"$WORK/got"
check "RIPE-style -s RPKI PREFIX: the VRP's route object" test "$(sed -n 1,7p "$WORK/got")" = "$(cat "$WORK/pseudo")"
check "RIPE-style: with its state (valid)" test "$(sed -n 8p "$WORK/got")" = "rpki-ov-state:  valid"
check "RIPE-style -s RPKI -i origin: one object per VRP of the AS" \
	test "$(whois_raw '-r -s RPKI -i origin AS64496\n' | grep '^route:' | tr -s ' ')" = "$(printf 'route: 192.0.2.0/24\nroute: 203.0.113.0/24')"
check "RIPE-style -s RPKI -M: the VRPs inside" \
	test "$(whois_raw '-r -s RPKI -M 198.0.0.0/7\n' | grep '^route:' | tr -s ' ')" = "route: 198.51.100.0/24"
check "RIPE-style -s RPKI -L: the VRPs covering" \
	test "$(whois_raw '-r -s RPKI -L 192.0.2.128/25\n' | grep '^route:' | tr -s ' ')" = "route: 192.0.2.0/24"
whois_raw '-r -s RPKI -T route6 192.0.2.0/24\n' >"$WORK/got"
check "RIPE-style -s RPKI -T route6 on an IPv4 VRP: no entries" grep -q '^%  No entries found' "$WORK/got"
check "!r with RPKI: the object, in IRRd framing" \
	test "$(whois_raw '!!\n!sRPKI\n!r203.0.113.0/24\n!q\n')" = "$(printf 'C\nA%d\n%s\nC' "$(($(wc -c <"$WORK/pseudo")))" "$(cat "$WORK/pseudo")")"
check "!r,o with RPKI: the VRPs' origins" test "$(whois_raw '!!\n!sRPKI\n!r192.0.2.0/24,o\n!q\n')" = "$(printf 'C\nA8\nAS64496\nC')"
check "!m route with RPKI: the object by key" \
	test "$(whois_raw '!!\n!sRPKI\n!mroute,203.0.113.0/24AS64496\n!q\n' | sed -n 3,9p)" = "$(cat "$WORK/pseudo")"
check "!m with IRRd's key (/ML): that VRP" \
	test "$(whois_raw '!!\n!sRPKI\n!mroute,203.0.113.0/24AS64496/ML24\n!q\n' | sed -n 3,9p)" = "$(cat "$WORK/pseudo")"
check "!m with another maxLength: D" test "$(whois_raw '!!\n!sRPKI\n!mroute,203.0.113.0/24AS64496/ML25\n!q\n')" = "$(printf 'C\nD')"
check "!m of a key no VRP has: D" test "$(whois_raw '!!\n!sRPKI\n!mroute,203.0.113.0/24AS64497\n!q\n')" = "$(printf 'C\nD')"
check "!o with RPKI: the VRPs have no maintainer, D" test "$(whois_raw '!!\n!sRPKI\n!oMAINT-EXAMPLE-JP\n!q\n')" = "$(printf 'C\nD')"
check "RIPE-style without -s RPKI: no VRP objects" sh -c "! bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r 203.0.113.0/24\\n\" >&3; timeout 5 cat <&3' | grep -q '^source: *RPKI'"
if command -v bgpq4 >/dev/null 2>&1; then
	# (bgpq4 refuses documentation ASNs given on its command line; as-set members are fine)
	bgpq4 -h "127.0.0.1:$PORT" -S RPKI,JPIRR -4 -l both AS-EXAMPLE >"$WORK/bgpq4.out" 2>&1
	check "bgpq4 -S RPKI,JPIRR AS-EXAMPLE: the VRP-only prefix from RPKI, no RPKI-invalid prefix" \
		sh -c "grep -q '203.0.113.0/24' '$WORK/bgpq4.out' && grep -q '192.0.2.0/24' '$WORK/bgpq4.out' && ! grep -q '198.51.100.0/25' '$WORK/bgpq4.out'"
	bgpq4 -h "127.0.0.1:$PORT" -S JPIRR -4 -l irr AS-EXAMPLE >"$WORK/bgpq4.out" 2>&1
	check "bgpq4 -S JPIRR AS-EXAMPLE: not the VRP-only prefix" sh -c "! grep -q '203.0.113.0/24' '$WORK/bgpq4.out'"
fi

whois_raw '-r 192.0.2.0/24\n' >"$WORK/got"
check "RIPE-style: rpki-ov-state: valid after the route object" grep -qx 'rpki-ov-state:  valid' "$WORK/got"
whois_raw '-r -x 2001:db8:1000::/36\n' >"$WORK/got"
check "RIPE-style: rpki-ov-state: not_found" grep -qx 'rpki-ov-state:  not_found' "$WORK/got"
whois_raw '-r -x 192.0.2.128/25\n' >"$WORK/got"
check "RIPE-style: the invalid route is not found" grep -q '^%  No entries found' "$WORK/got"
check "!r with !fno-rpki-filter: the invalid route is answered" \
	sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf \"!!\n!fno-rpki-filter\n!r192.0.2.128/25\n!q\n\" >&3; timeout 5 cat <&3' | grep -q '^route: *192.0.2.128/25'"
whois_raw '-r AS64496\n' >"$WORK/got"
check "RIPE-style: no rpki-ov-state on other classes" sh -c "! grep -q rpki-ov-state '$WORK/got'"

# A changed file is taken over within rpki.refresh_interval (1 s here).
vrp_json "192.0.2.0/24 25 64496" "192.0.2.128/25 25 65536" "198.51.100.0/24 24 64497" "203.0.113.0/24 24 64496" >"$WORK/vrps.new"
mv "$WORK/vrps.new" "$WORK/vrps.json"
i=0
while [ "$(whois_raw '!gAS65536\n')" = "D" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "a changed VRP file is in force within seconds ($((i / 10)).$((i % 10)) s): 192.0.2.128/25 AS65536 now valid" \
	test "$(whois_raw '!gAS65536\n')" = "$(printf 'A15\n192.0.2.128/25\nC')"

# A broken file: refused with a message naming it, the set in force stays, and it
# is reported stale after rpki.stale_after (2 s).
head -c 120 "$WORK/vrps.json" >"$WORK/vrps.cut"
mv "$WORK/vrps.cut" "$WORK/vrps.json"
i=0
while ! grep -q 'VRPs loaded before stay in force' "$WORK/irrd.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "a half-written VRP file is refused, naming the file" grep -q "RPKI: .*vrps.json.*; the 4 VRPs loaded before stay in force" "$WORK/irrd.log"
check "the previous set stays in force" test "$(whois_raw '!gAS65536\n')" = "$(printf 'A15\n192.0.2.128/25\nC')"
sleep 3
# a FIFO swapped in (a symlink to it) is refused without blocking the loader
mkfifo "$WORK/fifo"
ln -sf "$WORK/fifo" "$WORK/vrps.link" && mv -T "$WORK/vrps.link" "$WORK/vrps.json"
i=0
while ! grep -q 'vrps.json: cannot read: not a regular file' "$WORK/irrd.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "a FIFO as the VRP file is refused at once (not a regular file), the set stays" \
	grep -q 'vrps.json: cannot read: not a regular file; the 4 VRPs loaded before stay in force' "$WORK/irrd.log"
check "a set not renewed for rpki.stale_after is reported stale" grep -q "RPKI: the VRP set in force is stale" "$WORK/irrd.log"
check "and stays in force" test "$(whois_raw '!gAS65536\n')" = "$(printf 'A15\n192.0.2.128/25\nC')"
vrp_json "192.0.2.0/24 24 64496" "198.51.100.0/24 24 64497" >"$WORK/vrps.new"
mv "$WORK/vrps.new" "$WORK/vrps.json"
i=0
while ! grep -q 'RPKI: 2 VRPs in force' "$WORK/irrd.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "after the FIFO, a good file renamed in is loaded (the loader was not stuck)" grep -q 'RPKI: 2 VRPs in force' "$WORK/irrd.log"
stop_irrd "after the RPKI whois tests" "$WORK/irrd.log"

# Per-source exclusion: the routes of an excluded source are never filtered.
vrp_json "192.0.2.0/24 24 64496" "198.51.100.0/24 24 64497" >"$WORK/vrps.json"
write_config "$WORK/excl.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" \
	"rpki.vrp_file = $WORK/vrps.json" "rpki.excluded_sources = JPIRR"
check "irrd starts with JPIRR excluded from filtering" start_irrd "$WORK/excl.conf" "$WORK/excl.log"
check "an excluded source's invalid route is answered" \
	test "$(whois_raw '!gAS64496\n')" = "$(printf 'A29\n192.0.2.0/24 198.51.100.0/25\nC')"
stop_irrd "after the exclusion test" "$WORK/excl.log"

# RPKI is the pseudo-source's name: no stored source may take it
printf 'route:          192.0.2.0/24\norigin:         AS64496\nsource:         RPKI\n' >"$WORK/rpki.db"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source RPKI "$WORK/rpki.db" >"$WORK/out" 2>&1
check "irrctl load --source RPKI is refused (exit 2), naming why" sh -c "test $? = 2 && grep -q 'pseudo-source of the VRPs' '$WORK/out'"
write_config "$WORK/rpki-src.conf" "$WORK/irr.db" RPKI "whois.listen = 127.0.0.1:0"
"$BIN/irrd" -c "$WORK/rpki-src.conf" >"$WORK/out" 2>&1
check "source = RPKI in the configuration is refused" grep -q 'source: RPKI is the name of the pseudo-source' "$WORK/out"
