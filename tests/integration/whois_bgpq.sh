# bgpq4 and bgpq3 from Debian against our server: prefix lists (-4, -6),
# aggregation (-A), AS-path lists (-f), source selection (-S), depth limits (-L),
# route-sets with range operators. Plain lists are compared with an independent
# expansion of the fixture files (expect_sets.awk); the small aggregated and
# AS-path answers are written out by hand from the demo objects.
. tests/lib.sh

write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
"$BIN/irrctl" -c "$WORK/irr.conf" load --source RADB demo/radb.db >/dev/null 2>&1
check "irrd starts" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
H=127.0.0.1:$PORT

# compare NAME EXPECTED-FILE GOT-FILE (order-insensitive)
compare_sorted() {
	sort "$2" >"$WORK/a"
	sort "$3" >"$WORK/b"
	if cmp -s "$WORK/a" "$WORK/b" && [ -s "$WORK/a" ]; then ok "$1"; else
		not_ok "$1"; echo "# expected:"; sed 's/^/#   /' "$WORK/a"; echo "# got:"; sed 's/^/#   /' "$WORK/b"
	fi
}

for tool in bgpq4 bgpq3; do
	for fam in 4 6; do
		awk -v SET=AS-EXAMPLE -v FAMILY=$fam -f tests/integration/expect_sets.awk demo/jpirr.db >"$WORK/want"
		# (bgpq3 starts its -F output with an empty line)
		timeout 20 $tool -h $H -p -$fam -F '%n/%l\n' AS-EXAMPLE 2>"$WORK/err" | grep -v '^$' >"$WORK/got"
		compare_sorted "$tool -$fam AS-EXAMPLE matches the independent expansion" "$WORK/want" "$WORK/got"
	done
done

# -A merges only what aggregates exactly: RS-EXAMPLE's ^+ and ^24-25 ranges do, a /24
# with one of its /25 halves does not.
timeout 20 bgpq4 -h $H -p -4 -A -l EXAMPLE AS-EXAMPLE >"$WORK/got" 2>&1
cat >"$WORK/want" <<'X'
no ip prefix-list EXAMPLE
ip prefix-list EXAMPLE permit 192.0.2.0/24
ip prefix-list EXAMPLE permit 192.0.2.128/25
ip prefix-list EXAMPLE permit 198.51.100.0/25
X
check "bgpq4 -A -l on an as-set" cmp -s "$WORK/want" "$WORK/got"

timeout 20 bgpq4 -h $H -p -f 64496 AS-EXAMPLE >"$WORK/got" 2>&1
cat >"$WORK/want" <<'X'
no ip as-path access-list NN
ip as-path access-list NN permit ^64496(_64496)*$
ip as-path access-list NN permit ^64496(_[0-9]+)*_(65536|65537)$
X
check "bgpq4 -f: AS-path list from the recursive as-set" cmp -s "$WORK/want" "$WORK/got"

timeout 20 bgpq4 -h $H -p -L 1 -f 64496 AS-EXAMPLE >"$WORK/got" 2>&1
check "bgpq4 -L 1 stops before the nested set (no AS65537)" grep -q '_(65536)\$' "$WORK/got"

timeout 20 bgpq4 -h $H -p -f 64496 AS-EXAMPLE-ALL >"$WORK/got" 2>&1
check "bgpq4 -f over a set filled by mbrs-by-ref/member-of" grep -q '_(64497)\$' "$WORK/got"

# -S: AS-TRANSIT-CUSTOMERS lives in RADB and names AS-EXAMPLE, which lives in JPIRR.
awk -v SET=AS-TRANSIT-CUSTOMERS -v FAMILY=4 -f tests/integration/expect_sets.awk demo/radb.db demo/jpirr.db >"$WORK/want"
timeout 20 bgpq4 -h $H -p -S RADB,JPIRR -4 -F '%n/%l\n' AS-TRANSIT-CUSTOMERS >"$WORK/got" 2>&1
compare_sorted "bgpq4 -S RADB,JPIRR follows the set across sources" "$WORK/want" "$WORK/got"
timeout 20 bgpq4 -h $H -p -S RADB -4 -F '%n/%l\n' AS-TRANSIT-CUSTOMERS >"$WORK/got" 2>&1
check "bgpq4 -S RADB alone: AS-EXAMPLE does not resolve, AS64496 has no RADB routes" test ! -s "$WORK/got"
timeout 20 bgpq4 -h $H -p -S NOSUCH -4 AS-EXAMPLE >"$WORK/got" 2>&1
check "bgpq4 -S with an unknown source is refused" grep -q "Invalid source" "$WORK/got"

# (bgpq4 warns on stderr about the IPv6 members of a -4 query)
timeout 20 bgpq4 -h $H -p -4 -A RS-EXAMPLE >"$WORK/got" 2>/dev/null
cat >"$WORK/want" <<'X'
no ip prefix-list NN
ip prefix-list NN permit 192.0.2.0/24 le 32
ip prefix-list NN permit 198.51.100.0/24 le 25
X
check "bgpq4 route-set with ^+ and ^24-25 range operators" cmp -s "$WORK/want" "$WORK/got"

# An outer operator reaches the prefixes two levels down (the attack range_ops.sh):
# RS-N1 = RS-N2^24-26 over RS-N2 = RS-N3^+ over 192.0.2.0/24 is 192.0.2.0/24^24-26.
# Before the fix irrd answered ^+ and bgpq4 built "le 32". (A lone ^n such as ^32 is
# not usable here: bgpq4 1.9 reads it as n-0 and drops it, bgp/bgpq4 issue 135.)
while read -r name members; do
	printf 'route-set:      %s\nmembers:        %s\nmnt-by:         MAINT-OPS\nsource:         OPS\n\n' "$name" "$members"
done >"$WORK/ops.db" <<'X'
RS-N1 RS-N2^24-26
RS-N2 RS-N3^+
RS-N3 192.0.2.0/24
X
"$BIN/irrctl" -c "$WORK/irr.conf" load --source OPS "$WORK/ops.db" >"$WORK/load.out" 2>&1
timeout 20 bgpq4 -h $H -p -S OPS -4 -A RS-N1 >"$WORK/got" 2>/dev/null
printf 'no ip prefix-list NN\nip prefix-list NN permit 192.0.2.0/24 le 26\n' >"$WORK/want"
check "bgpq4: an outer ^24-26 two levels above ^+ gives le 26, not le 32" cmp -s "$WORK/want" "$WORK/got"

timeout 20 bgpq3 -h $H -p -3 -f 64496 AS-EXAMPLE >"$WORK/got" 2>&1
check "bgpq3 -3 -f: AS-path list with 4-byte ASNs" grep -q '_(65536|65537)\$' "$WORK/got"

# A second, generated registry with ordinary (non-documentation) ASNs: no -p needed.
"$TESTBIN/gen_registry" -n 5000 -s GEN >"$WORK/gen.db"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source GEN "$WORK/gen.db" >/dev/null 2>&1
for set in AS-BENCH-1 AS-BENCH-42; do
	awk -v SET=$set -v FAMILY=4 -f tests/integration/expect_sets.awk "$WORK/gen.db" >"$WORK/want"
	timeout 20 bgpq4 -h $H -S GEN -4 -F '%n/%l\n' $set >"$WORK/got" 2>&1
	compare_sorted "bgpq4 on the generated registry: $set ($(wc -l <"$WORK/want") prefixes)" "$WORK/want" "$WORK/got"
	awk -v SET=$set -v FAMILY=6 -f tests/integration/expect_sets.awk "$WORK/gen.db" >"$WORK/want"
	timeout 20 bgpq3 -h $H -S GEN -6 -F '%n/%l\n' $set 2>&1 | grep -v '^$' >"$WORK/got"
	compare_sorted "bgpq3 -6 on the generated registry: $set" "$WORK/want" "$WORK/got"
done

# A registry change by another process is visible to the next query (no restart).
cat demo/jpirr.db >"$WORK/changed.db"
cat >>"$WORK/changed.db" <<'X'

route:          203.0.113.0/25
descr:          added while irrd runs
origin:         AS65536
mnt-by:         MAINT-EXAMPLE-JP
source:         JPIRR
X
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR "$WORK/changed.db" >/dev/null 2>&1
timeout 20 bgpq4 -h $H -p -4 -F '%n/%l\n' AS-EXAMPLE >"$WORK/got" 2>&1
check "a reload by irrctl is visible to the next query" grep -qx '203.0.113.0/25' "$WORK/got"

# Defect 17 (issue 12): sets nested deeper than 32 levels used to answer F, which
# bgpq4 turned into an empty prefix list (deny everything) and exit 0. Chains of 200
# and 20,000 nested sets (tests/integration/deep_sets.awk) now expand fully.
DS=tests/integration/deep_sets.awk
awk -v KIND=as -v NAME=AS-CHAIN -v N=200 -v ASBASE=100000 -v OCTET=10 -v SRC=DEEP -f $DS >"$WORK/chain.db"
awk -v KIND=as -v NAME=AS-LONG -v N=20000 -v ASBASE=200000 -v OCTET=11 -v EVERY=1000 -v SRC=DEEP -f $DS >"$WORK/long.db"
awk -v KIND=route -v NAME=RS-CHAIN -v N=200 -v OCTET=12 -v SRC=DEEP -f $DS >"$WORK/rs-chain.db"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source DEEP "$WORK/chain.db" "$WORK/long.db" "$WORK/rs-chain.db" \
	>"$WORK/load.out" 2>&1
check "defect 17: deep chains load" contains "$WORK/load.out" "skipped 0"
sed -n 's/^route: //p' "$WORK/chain.db" >"$WORK/want"
timeout 60 bgpq4 -h $H -S DEEP -4 -F '%n/%l\n' AS-CHAIN-0 >"$WORK/got" 2>&1
compare_sorted "defect 17: bgpq4 on a 200-deep as-set chain lists all $(wc -l <"$WORK/want") prefixes" "$WORK/want" "$WORK/got"
timeout 60 bgpq3 -h $H -S DEEP -4 -F '%n/%l\n' AS-CHAIN-0 2>&1 | grep -v '^$' >"$WORK/got"
compare_sorted "defect 17: bgpq3 (!i,1 then !g) on a 200-deep as-set chain" "$WORK/want" "$WORK/got"
sed -n 's/^route: //p' "$WORK/long.db" >"$WORK/want"
timeout 60 bgpq4 -h $H -S DEEP -4 -F '%n/%l\n' AS-LONG-0 >"$WORK/got" 2>&1
compare_sorted "defect 17: bgpq4 on a 20,000-deep as-set chain, deepest route included" "$WORK/want" "$WORK/got"
timeout 60 bgpq4 -h $H -S DEEP -f 200000 AS-LONG-0 >"$WORK/got" 2>&1
check "defect 17: bgpq4 -f on a 20,000-deep chain names the deepest AS" grep -q '[_(|]219999[|)]' "$WORK/got"
sed -n 's/^members: \([^,]*\).*/\1/p' "$WORK/rs-chain.db" >"$WORK/want"
timeout 60 bgpq4 -h $H -S DEEP -4 -F '%n/%l\n' RS-CHAIN-0 >"$WORK/got" 2>&1
compare_sorted "defect 17: bgpq4 on a 200-deep route-set chain" "$WORK/want" "$WORK/got"

stop_irrd "after the bgpq tests" "$WORK/irrd.log"
