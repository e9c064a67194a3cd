# The Debian whois client with RIPE-style flags, over IPv4 and IPv6; byte-exact
# no-entries and error messages; contact recursion; default source order.
. tests/lib.sh

write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0, [::1]:0"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
"$BIN/irrctl" -c "$WORK/irr.conf" load --source RADB demo/radb.db >/dev/null 2>&1
check "irrd starts on IPv4 and IPv6" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
PORT6=$(sed -n 's/.*whois: listening on \[::1\]:\([0-9]*\).*/\1/p' "$WORK/irrd.log" | head -n 1)
W="whois -h 127.0.0.1 -p $PORT"

$W -- '-r -T route 192.0.2.0/24' >"$WORK/got"
cat >"$WORK/want" <<'X'
% Not verified by the authorisation list
route:          192.0.2.0/24
descr:          Example Networks aggregate
origin:         AS64496
member-of:      RS-EXAMPLE
mnt-by:         MAINT-EXAMPLE-JP
source:         JPIRR

route:          192.0.2.0/24
descr:          A stale proxy registration of a customer prefix
origin:         AS64511
mnt-by:         MAINT-AS64511
changed:        noc@transit.example 20150101
source:         RADB

X
check "whois -r -T route 192.0.2.0/24: both sources, exact output (our routes carry the list's mark)" cmp -s "$WORK/want" "$WORK/got"

whois -h ::1 -p "$PORT6" -- '-r -T route 192.0.2.0/24' >"$WORK/got6"
check "same answer over IPv6 ([::1]:$PORT6)" cmp -s "$WORK/want" "$WORK/got6"

whois_raw 'no-such-object\n' >"$WORK/got"
printf '%%  No entries found for the selected source(s).\n\n' >"$WORK/want"
check "no-entries message, byte-exact" cmp -s "$WORK/want" "$WORK/got"
whois_raw '-Z x\n' >"$WORK/got"
printf '%%%% ERROR: invalid option -Z\n\n' >"$WORK/want"
check "error message, byte-exact" cmp -s "$WORK/want" "$WORK/got"

$W AS64497 >"$WORK/got"
check "AS number lookup finds the aut-num" grep -q '^aut-num:        AS64497' "$WORK/got"
check "contacts appended without -r (admin-c HS2-JP)" grep -q '^nic-hdl:        HS2-JP' "$WORK/got"
check "a contact named twice is printed once" test "$(grep -c '^nic-hdl:        HS2-JP' "$WORK/got")" -eq 1
$W -- '-r AS64497' >"$WORK/got"
check "-r: no contacts" test "$(grep -c '^person:' "$WORK/got")" -eq 0
$W -- '-r -T as-block AS64500' >"$WORK/got"
check "-T as-block ASN: the as-block holding it" grep -qx 'as-block:       AS64496 - AS64511' "$WORK/got"
check "-T as-block ASN: no aut-num" test "$(grep -c '^aut-num:' "$WORK/got")" -eq 0
# -T filters what matched and their contacts with them (issue 14 review: the
# contacts of filtered-out objects, and persons matched directly, came through).
$W -- '-T mntner TY1-JP' >"$WORK/got"
check "-T mntner on a person's handle: no entries" grep -q '^%  No entries found' "$WORK/got"
check "-T mntner on a person's handle: the person is not printed" test "$(grep -c '^person:' "$WORK/got")" -eq 0
$W -- '-T route AS64496' >"$WORK/got"
check "-T route AS64496: no contacts of the filtered aut-num" test "$(grep -c '^person:\|^role:' "$WORK/got")" -eq 0
$W -- '-T aut-num AS64496' >"$WORK/got"
check "-T aut-num AS64496: the aut-num and its contacts" sh -c "grep -q '^aut-num:        AS64496' '$WORK/got' && grep -q '^person:' '$WORK/got'"
$W -- '-r AS64496-AS64511' >"$WORK/got"
check "as-block by its range, written without spaces" grep -qx 'as-block:       AS64496 - AS64511' "$WORK/got"

$W -- '-r -x 192.0.2.128/25' >"$WORK/got"
check "-x exact prefix" test "$(grep -c '^route:' "$WORK/got")" -eq 1
$W -- '-r -l 192.0.2.128/25' >"$WORK/got"
check "-l: one level less specific (route and inetnum /24)" test "$(grep -c '^route:          192.0.2.0/24\|^inetnum:        192.0.2.0 - 192.0.2.255' "$WORK/got")" -eq 3
$W -- '-r -L 192.0.2.200' >"$WORK/got"
check "-L from an address: all less specific" grep -q '^route:          192.0.2.128/25' "$WORK/got"
$W -- '-r -M 192.0.2.0/24' >"$WORK/got"
check "-M: more specific only" test "$(grep -c '^route:' "$WORK/got")" -eq 1
$W -- '-r 198.51.101.5' >"$WORK/got"
check "address inside a non-CIDR inetnum range finds the range" grep -q '^inetnum:        198.51.100.0 - 198.51.101.127' "$WORK/got"

$W -- '-r -i mnt-by MAINT-AS64511' >"$WORK/got"
check "-i mnt-by: every object of the maintainer" test "$(grep -c '^source:         RADB' "$WORK/got")" -eq 6
$W -- '-K -r -i origin AS64496' >"$WORK/got"
check "-K: primary keys only" test "$(grep -c '^descr:' "$WORK/got")" -eq 0
check "-i origin finds route and route6" test "$(grep -c '^route6\?:' "$WORK/got")" -eq 3
$W -- '-r -i member-of AS-EXAMPLE-ALL' >"$WORK/got"
check "-i member-of" test "$(grep -c '^aut-num:' "$WORK/got")" -eq 2
$W -- '-s RADB -r 192.0.2.0/24' >"$WORK/got"
check "-s RADB restricts the sources" test "$(grep -c '^source:         JPIRR' "$WORK/got")" -eq 0
$W -- '-r -T aut-num,as-set AS-EXAMPLE' >"$WORK/got"
check "-T with two classes" grep -q '^as-set:         AS-EXAMPLE' "$WORK/got"
$W -- '-t route6' >"$WORK/got"
check "-t template" grep -q '^route6:         \[mandatory\] \[single\] \[primary/look-up key\]' "$WORK/got"
$W -- '-q version' >"$WORK/got"
check "-q version" grep -q '^% routereg [0-9]' "$WORK/got"
$W -- '-q sources' >"$WORK/got"
check "-q sources" grep -q '^JPIRR:3:N:0-1' "$WORK/got"
$W -- '-r TY1-JP' >"$WORK/got"
check "nic-handle lookup" grep -q '^person:         Taro Yamada' "$WORK/got"
$W -- '-r MAINT-AS64511' >"$WORK/got"
check "maintainer lookup filters the password hash" grep -q '^auth:           MD5-PW # Filtered' "$WORK/got"
$W -- '-B -G -F -r -V test-agent AS64511' >"$WORK/got"
check "-B -G -F -V accepted" grep -q '^aut-num:        AS64511' "$WORK/got"

# -s then -a on one connection: back to all sources.
whois_raw '-k\n-s RADB -r -T route 192.0.2.0/24\n-a -r -T route 192.0.2.0/24\n-k\n' >"$WORK/got"
check "-s then -a: one source, then all again" test "$(grep -c '^source:' "$WORK/got")" -eq 3

# -k keeps the connection open for several queries.
whois_raw '-k\n-r AS64496\n-r AS64497\n-k\n' >"$WORK/got"
check "-k: two answers on one connection" test "$(grep -c '^aut-num:' "$WORK/got")" -eq 2

# sources.default changes the order and the set used when the client does not choose.
stop_irrd "before the sources.default run" "$WORK/irrd.log"
write_config "$WORK/radb.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "sources.default = RADB"
check "irrd with sources.default = RADB" start_irrd "$WORK/radb.conf" "$WORK/radb.log"
whois_raw '!s-lc\n' >"$WORK/got"
check "sources.default sets the default list" test "$(cat "$WORK/got")" = "$(printf 'A5\nRADB\nC')"
whois -h 127.0.0.1 -p "$PORT" -- '-r -T route 192.0.2.0/24' >"$WORK/got"
check "default source order applies to RIPE queries" test "$(grep -c '^source:' "$WORK/got")" -eq 1
stop_irrd "after the RIPE tests" "$WORK/radb.log"
