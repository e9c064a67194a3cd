# IRRd-style ! commands, byte for byte: A<n>/C/D/F framing (n counts bytes, so
# multi-byte UTF-8 matters), pipelining in request order, !! without reply, the !a
# probe, sources, errors. Expected bytes are written from the fixture objects.
. tests/lib.sh

DB=$WORK/irr.db
write_config "$WORK/irr.conf" "$DB" JPIRR "whois.listen = 127.0.0.1:0"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
"$BIN/irrctl" -c "$WORK/irr.conf" load --source RADB demo/radb.db >/dev/null 2>&1
"$BIN/irrctl" -c "$WORK/irr.conf" load --source UTF tests/fixtures/utf8.db >/dev/null 2>&1
check "irrd starts on a free port" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"

# expect NAME QUERY-BYTES EXPECTED-BYTES (both printf formats)
expect() {
	whois_raw "$2" >"$WORK/got"
	printf "$3" >"$WORK/want"
	if cmp -s "$WORK/got" "$WORK/want"; then
		ok "$1"
	else
		not_ok "$1"
		echo "# want: $(od -c "$WORK/want" | head -n 6)"
		echo "# got:  $(od -c "$WORK/got" | head -n 6)"
	fi
}

expect "!! gets no reply; !q closes" '!!\n!q\n' ''
expect "!a probe answer (bgpq4 checks it)" '!a\n' 'F Missing required set name for A query\n'
expect "!n answers C" '!!\n!nbgpq4 1.9\n!q\n' 'C\n'
expect "!v" '!v\n' 'A15\nroutereg 0.1.0\nC\n'
expect "!s-lc lists the default sources, ours first" '!s-lc\n' 'A15\nJPIRR,RADB,UTF\nC\n'
expect "!s sets sources for the connection" '!!\n!sradb\n!s-lc\n!q\n' 'C\nA5\nRADB\nC\n'
expect "!s with an unknown source fails" '!sNOPE\n' 'F Unknown source NOPE\n'
expect "!s-* selects all sources" '!!\n!sRADB\n!s-*\n!s-lc\n!q\n' 'C\nC\nA15\nJPIRR,RADB,UTF\nC\n'
expect "!g with lower-case 'as' (bgpq4 style)" '!gas64496\n' 'A29\n192.0.2.0/24 198.51.100.0/25\nC\n'
expect "!g asplain without AS and asdot" '!!\n!g64496\n!gAS0.64496\n!q\n' \
	'A29\n192.0.2.0/24 198.51.100.0/25\nC\nA29\n192.0.2.0/24 198.51.100.0/25\nC\n'
expect "!6" '!6AS64496\n' 'A19\n2001:db8:1000::/36\nC\n'
expect "!g with no routes answers D" '!gAS64999\n' 'D\n'
expect "!g with a bad AS number fails" '!gASX\n' 'F Invalid AS number ASX\n'
expect "!i direct members" '!iAS-EXAMPLE\n' 'A37\nAS64496 AS65536 AS64496:AS-CUSTOMERS\nC\n'
expect "!i,1 recursive, cycle broken" '!iAS-EXAMPLE,1\n' 'A24\nAS64496 AS65536 AS65537\nC\n'
expect "!i,1 members by reference (mbrs-by-ref/member-of)" '!iAS-EXAMPLE-ALL,1\n' 'A16\nAS64496 AS64497\nC\n'
expect "!i,1 route-set keeps range operators" '!iRS-EXAMPLE,1\n' \
	'A90\n192.0.2.0/24 192.0.2.0/24^+ 198.51.100.0/24^24-25 2001:db8:1000::/36 2001:db8:1000::/36^+\nC\n'
# RS-EXAMPLE^- (RFC 2622 5.2): members with their own operator keep the intersection
# (^+ and ^- give ^-, ^24-25 and ^- give ^25); members without one take ^-.
expect "!i,1 applies a set's range operator to its members" '!iAS64496:RS-CUSTOMERS,1\n' \
	'A89\n192.0.2.0/24^- 192.0.2.128/25 198.51.100.0/24^25 2001:db8:1000::/36^- 2001:db8:1200::/40\nC\n'
expect "!i unknown set answers D" '!iAS-NOPE,1\n' 'D\n'
expect "!a4 prefixes of an as-set's origins" '!a4AS-EXAMPLE\n' 'A44\n192.0.2.0/24 192.0.2.128/25 198.51.100.0/25\nC\n'
expect "!a6" '!a6AS-EXAMPLE\n' 'A38\n2001:db8:1000::/36 2001:db8:1200::/40\nC\n'
expect "!r exact, origins only" '!r192.0.2.0/24,o\n' 'A16\nAS64496 AS64511\nC\n'
expect "!r with a bad prefix fails" '!r192.0.2.1/24\n' 'F Invalid prefix 192.0.2.1/24\n'
expect "!j serial status of two sources" '!jJPIRR,RADB\n' 'A23\nJPIRR:N:0-1\nRADB:N:0-1\nC\n'
expect "unknown command" '!x\n' 'F Unrecognized command: !x\n'
expect "!t sets the timeout" '!!\n!t60\n!t0\n!q\n' 'C\nF Invalid timeout: use !t<seconds>, 1 to 86400\n'

whois_raw '!oMAINT-AS64511\n' >"$WORK/got"
check "!o: every object of a maintainer" test "$(grep -c '^source:         RADB' "$WORK/got")" -eq 6
whois_raw '!r192.0.2.128/25,l\n' >"$WORK/got"
check "!r,l: one level less specific" test "$(grep -c '^route:          192.0.2.0/24' "$WORK/got")" -eq 2
whois_raw '!r192.0.2.128/25,L\n' >"$WORK/got"
check "!r,L: less specific including exact" test "$(grep -c '^route:' "$WORK/got")" -eq 3
whois_raw '!r192.0.2.0/24,M\n' >"$WORK/got"
check "!r,M: more specific only" test "$(grep -c '^route:          192.0.2.128/25' "$WORK/got")" -eq 1
expect "!r with no match answers D" '!r10.0.0.0/8\n' 'D\n'
expect "!a (both families)" '!aAS-SAMPLE\n' 'A16\n198.51.100.0/24\nC\n'

# !m with multi-byte UTF-8: n is the byte count of the object text.
cat >"$WORK/route.txt" <<'RPSL'
route:          203.0.113.0/24
descr:          Übertragung – ネットワーク
origin:         AS64500
mnt-by:         MAINT-UTF8
source:         UTF
RPSL
n=$(wc -c <"$WORK/route.txt")
{ printf 'A%d\n' "$n"; cat "$WORK/route.txt"; printf 'C\n'; } >"$WORK/want"
whois_raw '!mroute,203.0.113.0/24AS64500\n' >"$WORK/got"
check "!m frames a UTF-8 object by its byte length ($n bytes, more than its characters)" cmp -s "$WORK/got" "$WORK/want"
whois_raw '!mmntner,MAINT-UTF8\n' >"$WORK/got"
check "!m filters password hashes" contains "$WORK/got" "auth:           BCRYPT-PW # Filtered"
check "!m never prints the hash" test "$(grep -c 'Q0RnRm9v' "$WORK/got")" -eq 0

# Pipelining: many queries in one write, answers in request order.
whois_raw '!!\n!gAS64497\n!6AS64497\n!gAS64496\n!iAS-SAMPLE\n!q\n' >"$WORK/got"
printf 'A16\n198.51.100.0/24\nC\nD\nA29\n192.0.2.0/24 198.51.100.0/25\nC\nA8\nAS64497\nC\n' >"$WORK/want"
check "pipelined queries answered in request order" cmp -s "$WORK/got" "$WORK/want"

# Without !! the connection closes after one answer.
whois_raw '!gAS64497\n!gAS64496\n' >"$WORK/got"
check "one-shot connection answers the first command only" cmp -s "$WORK/got" /dev/stdin <<'X'
A16
198.51.100.0/24
C
X

# Defect 17 (issue 12): sets nested deeper than 32 levels expand fully. The old limit
# answered "F set nesting is deeper than 32 levels", which bgpq4 turned into an empty
# prefix list. Expansion now uses a work list, so 20,000 levels are fine; only the
# sets-visited and member-count limits answer F (the member limit: whois_misuse.sh).
DS=tests/integration/deep_sets.awk
{
	awk -v KIND=as -v NAME=AS-CHAIN -v N=200 -v ASBASE=100000 -v OCTET=10 -v SRC=DEEP -f $DS
	awk -v KIND=as -v NAME=AS-LONG -v N=20000 -v ASBASE=200000 -v OCTET=11 -v EVERY=1000 -v SRC=DEEP -f $DS
	awk -v KIND=route -v NAME=RS-CHAIN -v N=200 -v OCTET=12 -v SRC=DEEP -f $DS
	awk -v KIND=route -v NAME=RS-LONG -v N=20000 -v OCTET=13 -v SRC=DEEP -f $DS
	# AS-WIDE names 200,001 sets (none exists): one past the sets-visited limit.
	awk 'BEGIN {
		printf "as-set: AS-WIDE\nmembers: AS-W-0"
		for (i = 1; i <= 200000; i++) printf "%s AS-W-%d", (i % 2000 ? "," : ",\n"), i
		print "\nadmin-c: DS1-TEST\ntech-c: DS1-TEST\nmnt-by: MAINT-DEEP\nsource: DEEP\n"
	}'
	cat <<'RPSL'
route-set:      RS-VIA-DEEP
members:        AS-CHAIN-0^24-25
admin-c:        DS1-TEST
tech-c:         DS1-TEST
mnt-by:         MAINT-DEEP
source:         DEEP

route-set:      RS-WIDE
members:        AS-WIDE
admin-c:        DS1-TEST
tech-c:         DS1-TEST
mnt-by:         MAINT-DEEP
source:         DEEP

as-set:         AS-DUP
members:        AS100000, AS100001, as100000, AS-CHAIN-1
members:        AS100001, as-chain-1, AS1.34464
mbrs-by-ref:    ANY
admin-c:        DS1-TEST
tech-c:         DS1-TEST
mnt-by:         MAINT-DEEP
source:         DEEP

aut-num:        AS100001
as-name:        DEEP-DUP
member-of:      AS-DUP
admin-c:        DS1-TEST
tech-c:         DS1-TEST
mnt-by:         MAINT-DEEP
source:         DEEP

as-set:         AS-BADITEM
members:        AS100000, RS-NOT-AN-AS-SET-MEMBER, AS100001
admin-c:        DS1-TEST
tech-c:         DS1-TEST
mnt-by:         MAINT-DEEP
source:         DEEP

RPSL
	# a route-set listed under 4,560 range operators, each keeping none of its prefixes
	echo "route-set:      RS-BIG6"
	seq 0 999 | awk '{ printf "members:        2001:%x::/32^32\n", $1 + 4096 }'
	printf 'admin-c:        DS1-TEST\ntech-c:         DS1-TEST\nmnt-by:         MAINT-DEEP\nsource:         DEEP\n\n'
	echo "route-set:      RS-AMP"
	awk 'BEGIN { for (a = 33; a <= 128; a++) for (b = a; b <= 128; b++) printf "members:        RS-BIG6^%d-%d\n", a, b }'
	printf 'admin-c:        DS1-TEST\ntech-c:         DS1-TEST\nmnt-by:         MAINT-DEEP\nsource:         DEEP\n'
} >"$WORK/deep.db"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source DEEP "$WORK/deep.db" >"$WORK/load.out" 2>&1
check "defect 17: the deep-set registry loads" contains "$WORK/load.out" "skipped 0"

# expect_list NAME QUERY: the answer is A<n> framing around the words on stdin, space-separated.
expect_list() {
	data=$(tr '\n' ' ' | sed 's/ $//')
	expect "$1" "$2" "A$((${#data} + 1))\n$data\nC\n"
}
seq -f 'AS%.0f' 100000 100199 | expect_list "defect 17: !i,1 expands a 200-deep as-set chain completely" '!iAS-CHAIN-0,1\n'
seq -f 'AS%.0f' 200000 219999 |
	expect_list "defect 17: !i,1 expands a 20,000-deep as-set chain completely" '!iAS-LONG-0,1\n'
seq 0 199 | awk '{ print "12.0." $1 ".0/24" }' |
	expect_list "defect 17: !i,1 expands a 200-deep route-set chain completely" '!iRS-CHAIN-0,1\n'
seq 0 19999 | awk '{ print "13." int($1 / 256) "." ($1 % 256) ".0/24" }' |
	expect_list "defect 17: !i,1 expands a 20,000-deep route-set chain completely" '!iRS-LONG-0,1\n'
seq 0 199 | awk '{ print "10.0." $1 ".0/24^24-25" }' |
	expect_list "defect 17: a route-set naming a 200-deep as-set gets every route" '!iRS-VIA-DEEP,1\n'
seq 0 199 | awk '{ print "10.0." $1 ".0/24" }' | expect_list "defect 17: !a4 over a 200-deep as-set chain" '!a4AS-CHAIN-0\n'
seq 0 19999 | awk '$1 % 1000 == 0 || $1 == 19999 { print "11." int($1 / 256) "." ($1 % 256) ".0/24" }' |
	expect_list "defect 17: !a4 over a 20,000-deep as-set chain" '!a4AS-LONG-0\n'
expect "defect 17: the sets-visited limit still answers F (as-set)" '!iAS-WIDE,1\n' \
	'F set expansion visits more than 200,000 sets\n'
expect "defect 17: the sets-visited limit still answers F (as-set in a route-set)" '!iRS-WIDE,1\n' \
	'F set expansion visits more than 200,000 sets\n'
expect "defect 17: the sets-visited limit still answers F (!a)" '!aAS-WIDE\n' \
	'F set expansion visits more than 200,000 sets\n'
# Non-recursive !i answers each member once, in first-seen order (any case, asdot,
# members by reference).
expect "defect 17: !i answers each direct member once" '!iAS-DUP\n' 'A29\nAS100000 AS100001 AS-CHAIN-1\nC\n'
seq -f 'AS%.0f' 100000 100199 | expect_list "defect 17: !i,1 on a set with repeated members" '!iAS-DUP,1\n'

# One invalid item in a mirrored set's members: only that item is dropped.
expect "a set with one invalid member still expands its valid members" '!iAS-BADITEM,1\n' 'A18\nAS100000 AS100001\nC\n'
# A route-set under thousands of operators does the work of all of them: bounded.
# (2 s optimised, 9-11 s under the sanitizers: more than whois_raw's usual 10 s.)
WHOIS_TIMEOUT=60
expect "set expansion under thousands of range operators is bounded (F, not minutes of work)" '!iRS-AMP,1\n' \
	'F set expansion looks at more than 4,000,000 prefixes\n'
WHOIS_TIMEOUT=10

# Outer range operators reach every level of nesting (the attack range_ops.sh of branch
# attack-whois: an operator written on a nested set replaced the ones above it, so
# RS-A2 answered 192.0.2.0/24^+ and bgpq4 built a filter wider than RS-A2's ^32).
# Operators compose by intersecting their length ranges (docs/whois.md, "Set expansion
# rules"). Expected answers by hand:
#   RS-A1 = RS-B1^32, RS-B1 = 192.0.2.0/24^+: 24-32 and 32 -> ^32
#   RS-A2 = RS-B2^32, RS-B2 = RS-C2^+, RS-C2 = 192.0.2.0/24: 32 and 24-32 -> ^32
#   RS-A3 = RS-B3^32, RS-B3 = AS64497^26 (198.51.100.0/24): 32 and 26 -> nothing (C)
#   RS-A4 = RS-B4^32, RS-C4^+; RS-B4 = RS-C4^-; RS-C4 = 192.0.2.0/24:
#     via RS-B4: 32 and 25-32 -> ^32; direct: ^+; the union -> ^+ and ^32
#   RS-A5: RS-A4's members in the other order -> the same
#   RS-A6 = 192.0.2.0/24^+, RS-B6^32; RS-B6 = RS-A6^- (a cycle): ^+ directly, and
#     through RS-B6 32, 25-32 and 24-32 -> ^32; the cycle ends (RS-B6 under 25-32 and 32
#     reaches RS-A6 under the same range again)
#   RS-A7 = RS-B7^-, RS-B7 = AS-R7^24-25, AS-R7 = AS-R7B, AS-R7B = AS64497:
#     25-32 and 24-25 -> ^25 on 198.51.100.0/24
mnt='mnt-by:         MNT-SETS
changed:        noc@example.net 20240101
source:         OPS'
{
	printf 'route:          198.51.100.0/24\ndescr:          r\norigin:         AS64497\n%s\n\n' "$mnt"
	while read -r kind name members; do
		printf '%s:%*s%s\ndescr:          x\nmembers:        %s\n%s\n\n' \
			"$kind" $((15 - ${#kind})) '' "$name" "$members" "$mnt"
	done <<'SETS'
route-set RS-A1 RS-B1^32
route-set RS-B1 192.0.2.0/24^+
route-set RS-A2 RS-B2^32
route-set RS-B2 RS-C2^+
route-set RS-C2 192.0.2.0/24
route-set RS-A3 RS-B3^32
route-set RS-B3 AS64497^26
route-set RS-A4 RS-B4^32, RS-C4^+
route-set RS-B4 RS-C4^-
route-set RS-C4 192.0.2.0/24
route-set RS-A5 RS-C4^+, RS-B4^32
route-set RS-A6 192.0.2.0/24^+, RS-B6^32
route-set RS-B6 RS-A6^-
route-set RS-A7 RS-B7^-
route-set RS-B7 AS-R7^24-25
as-set AS-R7 AS-R7B
as-set AS-R7B AS64497
SETS
} >"$WORK/ops.db"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source OPS "$WORK/ops.db" >"$WORK/load.out" 2>&1
check "range operators: the nested sets load" contains "$WORK/load.out" "skipped 0"
expect "range operators: ^32 over a member's ^+ gives ^32" '!!\n!sOPS\n!iRS-A1,1\n!q\n' \
	'C\nA16\n192.0.2.0/24^32\nC\n'
expect "range operators: ^32 two levels above ^+ still reaches the prefix (was ^+)" '!!\n!sOPS\n!iRS-A2,1\n!q\n' \
	'C\nA16\n192.0.2.0/24^32\nC\n'
expect "range operators: ^32 over AS64497^26 keeps nothing (was ^26)" '!!\n!sOPS\n!iRS-A3,1\n!q\n' 'C\nC\n'
expect "range operators: one set by two paths answers the union (was ^+ ^-)" '!!\n!sOPS\n!iRS-A4,1\n!q\n' \
	'C\nA31\n192.0.2.0/24^+ 192.0.2.0/24^32\nC\n'
expect "range operators: ... whichever path comes first" '!!\n!sOPS\n!iRS-A5,1\n!q\n' \
	'C\nA31\n192.0.2.0/24^+ 192.0.2.0/24^32\nC\n'
expect "range operators: a cycle through ^32 and ^- ends, every path answered" '!!\n!sOPS\n!iRS-A6,1\n!q\n' \
	'C\nA31\n192.0.2.0/24^+ 192.0.2.0/24^32\nC\n'
expect "range operators: ^- over ^24-25 over nested as-sets gives ^25 on their routes" \
	'!!\n!sOPS\n!iRS-A7,1\n!q\n' 'C\nA19\n198.51.100.0/24^25\nC\n'

stop_irrd "after the ! command tests" "$WORK/irrd.log"
