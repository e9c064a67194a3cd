# The authorisation list end to end through irrctl: allocation imports (delegated-
# extended with non-CIDR counts, RPSL inetnum/inet6num) as diffs, entries and every
# A.1.2.1 refusal verbatim, the seed's examples (AUTHLIST.md) through the update
# engine, a deny hole, IPv6, the list never replacing authentication, override,
# deletions, space nobody holds, search/sort/export/JSON, the mark in whois and how
# it follows every change of the list and the allocations, returned and moved space
# (the old LIR's entries authorise nothing), the consistency check after a return and
# after an entry is removed (flags, mails to every maintainer, nothing deleted), and
# irrd's periodic check.
. tests/lib.sh

OVERRIDE=$(mkpasswd -m bcrypt -R 4 staffpass)
H1=$(mkpasswd -m bcrypt -R 4 one)
H2=$(mkpasswd -m bcrypt -R 4 two)
CONF="$WORK/irr.conf"
write_config "$CONF" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "auth.override_hash = $OVERRIDE" \
	"mail.sendmail = sh $REPO/tests/capture-mail.sh $WORK/mail" "mail.from = irr@registry.example" \
	"authlist.check_interval = 0"
cat >"$WORK/base.db" <<X
mntner:         MNT1
descr:          the seed's mnt1
admin-c:        TY1-JP
upd-to:         mnt1@example.jp
auth:           BCRYPT-PW $H1
mnt-by:         MNT1
source:         JPIRR

mntner:         MNT2
descr:          the seed's mnt2
admin-c:        TY1-JP
upd-to:         mnt2@example.jp
auth:           BCRYPT-PW $H2
mnt-by:         MNT2
source:         JPIRR

person:         Taro Yamada
address:        Tokyo
phone:          +81 3 0000 0000
nic-hdl:        TY1-JP
mnt-by:         MNT1
source:         JPIRR
X
irrctl() { "$BIN/irrctl" -c "$CONF" "$@"; }
irrctl load --source JPIRR "$WORK/base.db" >/dev/null
# run NAME CMD...: output (stdout+stderr) in $WORK/out, exit status in $WORK/rc
run() { "$@" >"$WORK/out" 2>&1; echo $? >"$WORK/rc"; }
says() { grep -qF -- "$1" "$WORK/out"; }
rc_is() { test "$(cat "$WORK/rc")" = "$1"; }
lirA() { irrctl authlist "$@" --as-lir LIR-A; }

# ---- LIR accounts and allocations ----
run irrctl lir add --id LIR-A --name "Example LIR A" --email lir-a@example.jp --opaque-id A1 --rpsl-ref ORG-A
check "LIR account added" says "LIR account LIR-A added"
irrctl lir add --id LIR-B --name "Example LIR B" --email lir-b@example.jp --email noc-b@example.jp --opaque-id B2 --rpsl-ref ORG-B >/dev/null
run irrctl lir add --id LIR-A --name again --email x@example.jp
check "duplicate LIR account refused" says "LIR account LIR-A, or its opaque-id or RPSL reference, exists already"
run irrctl lir add --id LIR-C --name C --email not-an-address
check "bad contact address refused" says 'the contact addresses "not-an-address" are not valid e-mail addresses'
cat >"$WORK/delegated" <<X
2|apnic|20261201|9|19700101|20261201|+1000
apnic|*|ipv4|*|6|summary
apnic|*|asn|*|1|summary
apnic|JP|ipv4|1.1.0.0|65536|20110101|allocated|A1
apnic|JP|ipv4|10.0.0.0|768|20120101|allocated|A1
apnic|JP|ipv6|2001:db8::|32|20130101|allocated|A1
apnic|JP|ipv4|5.5.0.0|256|20140101|assigned|B2
apnic|JP|asn|64500|1|20140101|allocated|A1
apnic|JP|ipv4|9.9.0.0|256|20140101|available|
apnic|JP|ipv4|7.7.0.0|256|20140101|allocated|NOBODY
apnic|JP|ipv4|300.1.0.0|256|20140101|allocated|A1
X
run irrctl alloc load --format delegated "$WORK/delegated"
check "delegated-extended load: summary" says "allocations: 5 added, 0 changed, 0 returned, 0 unchanged, 1 unmapped"
check "a count of 768 addresses is two CIDR blocks" sh -c "grep -qF 'added: 10.0.0.0/23 to LIR-A (allocated)' $WORK/out && grep -qF 'added: 10.0.2.0/24 to LIR-A (allocated)' $WORK/out"
check "an opaque-id of no account is reported, not loaded" says "unmapped: 7.7.0.0 - 7.7.0.255 (line 10) belongs to NOBODY, which is no LIR account's opaque-id"
check "a malformed line is reported with its line" says "skipped: $WORK/delegated:11: not an IPv4 start address and address count"
run irrctl alloc load --format delegated "$WORK/delegated"
check "the same file again: nothing changes" says "allocations: 0 added, 0 changed, 0 returned, 5 unchanged, 1 unmapped"
sed 's/|5.5.0.0|256|20140101|assigned|B2/|5.5.0.0|256|20150101|allocated|B2/' "$WORK/delegated" >"$WORK/delegated-changed"
run irrctl alloc load --format delegated "$WORK/delegated-changed"
check "reload: a changed status and date is a change (verbatim)" says "changed: 5.5.0.0/24 LIR-B assigned -> LIR-B allocated 20150101"
irrctl alloc load --format delegated "$WORK/delegated" >/dev/null
irrctl lir list >"$WORK/out"
check "lir list" sh -c "grep -q '^LIR-A  *Example LIR A  *lir-a@example.jp' $WORK/out && grep -q '^LIR-B ' $WORK/out"
cat >"$WORK/inetnum.db" <<X
inetnum:        5.5.1.0 - 5.5.1.255
netname:        B-PI
status:         ASSIGNED PI
org:            ORG-B
source:         APNIC

inetnum:        6.6.6.0 - 6.6.7.127
netname:        B-PA
status:         ALLOCATED PA
org:            ORG-B
created:        2019-04-01T00:00:00Z
source:         APNIC

inetnum:        6.6.8.0 - 6.6.8.255
netname:        B-SUB
status:         SUB-ALLOCATED PA
org:            ORG-B
source:         APNIC

inet6num:       2001:db8:ff00::/40
netname:        B-V6
status:         ALLOCATED-BY-RIR
org:            ORG-B
source:         APNIC
X
run irrctl alloc load --format rpsl "$WORK/inetnum.db"
check "RPSL import mapped by org:" says "allocations: 4 added, 0 changed, 0 returned, 0 unchanged, 0 unmapped"
check "RPSL: ASSIGNED PI is PI" says "added: 5.5.1.0/24 to LIR-B (pi)"
check "RPSL: a non-CIDR inetnum range is its CIDR blocks" sh -c "grep -qF 'added: 6.6.7.0/25 to LIR-B (allocated)' $WORK/out"
irrctl alloc list --lir LIR-B --json >"$WORK/out"
check "alloc list --json: the RPSL date" says '"date": "20190401"'
run irrctl lir show LIR-A
check "lir show lists the allocations (my allocated address space)" says "allocation: 10.0.2.0/24 allocated 20120101"

# ---- entries: the seed's example ----
run lirA add --prefix 1.1.0.0/16 --action allow --mntner mnt1 --origins AS12345
check "entry #1: 1.1.0.0/16 allow mnt1 origin 12345" says "entry #1 added"
run lirA add --prefix 1.1.0.0/17 --action allow --mntner MNT2
check "entry #2: 1.1.0.0/17 allow mnt2" says "entry #2 added"
submit() { irrctl submit >"$WORK/out" 2>&1; echo $? >"$WORK/rc"; }
route() { printf 'route:          %s\ndescr:          test\norigin:         %s\nmnt-by:         %s\nsource:         JPIRR\n' "$@"; }
route6() { printf 'route6:         %s\ndescr:          test\norigin:         %s\nmnt-by:         %s\nsource:         JPIRR\n' "$@"; }

{ route 1.1.0.0/16 AS12345 MNT1; printf '\npassword: one\n'; } | submit
check "seed: 1.1.0.0/16 AS12345 by mnt1 accepted" says "Create SUCCEEDED: [route] 1.1.0.0/16AS12345"
check "seed: the acceptance names the entry" says "***Info: Verified by authorisation list entry #1"
{ route 1.1.0.0/16 AS23456 MNT1; printf '\npassword: one\n'; } | submit
check "seed: 1.1.0.0/16 AS23456 by mnt1 refused (verbatim)" \
	says "MNT1: origin AS23456 is not in the list of entry #1 (allowed: AS12345)"
check "seed: the refusal names the route" says "***Error:   Refused by the authorisation list for 1.1.0.0/16 origin AS23456:"
{ route 1.1.128.0/17 AS64500 MNT2; printf '\npassword: two\n'; } | submit
check "seed: 1.1.128.0/17 by mnt2 refused (verbatim)" says "MNT2: no authorisation list entry of MNT2 covers 1.1.128.0/17"
{ route 1.1.0.0/17 AS64501 MNT2; printf '\npassword: two\n'; } | submit
check "seed: 1.1.0.0/17 by mnt2 with any origin accepted" says "Create SUCCEEDED: [route] 1.1.0.0/17AS64501"

# a deny hole inside an allow
run lirA add --prefix 1.1.1.0/24 --action deny --mntner MNT2 --remarks "customer moved away"
check "entry #3: a deny hole inside mnt2's allow" says "entry #3 added"
{ route 1.1.1.0/24 AS64501 MNT2; printf '\npassword: two\n'; } | submit
check "a route in the deny hole is refused (verbatim)" says "MNT2: denied by entry #3 1.1.1.0/24 deny MNT2"
{ route 1.1.2.0/24 AS64501 MNT2; printf '\npassword: two\n'; } | submit
check "beside the hole the allow still decides" says "Create SUCCEEDED: [route] 1.1.2.0/24AS64501"

# the list never replaces authentication: mnt2 allows it, but only mnt1 authenticated
{ route 1.1.3.0/24 AS64502 "MNT1, MNT2"; printf '\npassword: one\n'; } | submit
check "allowed maintainer not authenticated: refused (verbatim)" \
	says "MNT2: allowed by entry #2, but the submission did not authenticate as MNT2"
check "... and the other maintainer's entry said why it does not help" says "MNT1: origin AS64502 is not in the list of entry #1 (allowed: AS12345)"
{ route 1.1.3.0/24 AS64502 "MNT1, MNT2"; printf '\npassword: two\n'; } | submit
check "the same route authenticated as mnt2: accepted" says "Create SUCCEEDED: [route] 1.1.3.0/24AS64502"

# registry staff override: accepted and audited
{ route 1.1.200.0/24 AS64503 MNT2; printf '\noverride: staffpass\n'; } | submit
check "override: accepted outside the list" says "***Info: Accepted by the registry staff override, not by the authorisation list"
check "override: audited" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM audit WHERE pkey = '1.1.200.0/24AS64503' AND identity LIKE '%override%'")" = 1

# space nobody holds
{ route 203.0.113.0/24 AS12345 MNT1; printf '\npassword: one\n'; } | submit
check "space nobody holds: refused (verbatim)" says "***Error:   No LIR holds 203.0.113.0/24 and no authorisation list entry covers it;"
check "space nobody holds: the setting is named" says "routes for such space are refused here (authlist.unallocated = reject)"

# IPv6 equivalents
lirA add --prefix 2001:db8::/32 --action allow --mntner MNT1 --origins "AS12345 AS64496" >/dev/null
lirA add --prefix 2001:db8:1::/48 --action deny --mntner MNT1 >/dev/null
{ route6 2001:db8::/32 AS12345 MNT1; printf '\npassword: one\n'; } | submit
check "IPv6: route6 allowed by the entry" says "Create SUCCEEDED: [route6] 2001:db8::/32AS12345"
{ route6 2001:db8:1::/48 AS12345 MNT1; printf '\npassword: one\n'; } | submit
check "IPv6: the deny hole (verbatim)" says "MNT1: denied by entry #5 2001:db8:1::/48 deny MNT1"
{ route6 2001:db8:2::/48 AS23456 MNT1; printf '\npassword: one\n'; } | submit
check "IPv6: origin not listed (verbatim)" says "MNT1: origin AS23456 is not in the list of entry #4 (allowed: AS12345 AS64496)"
{ route6 2001:db8:3::/48 AS64496 MNT2; printf '\npassword: two\n'; } | submit
check "IPv6: a maintainer without entries there (verbatim)" says "MNT2: no authorisation list entry of MNT2 covers 2001:db8:3::/48"

# ---- every A.1.2.1 refusal, verbatim, nothing written ----
before=$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM authlist")
run lirA add --prefix 5.5.0.0/24 --action allow --mntner MNT1
check "rule 1 (verbatim)" says "irrctl authlist add: Rule 1: 5.5.0.0/24 is not inside an allocation of LIR LIR-A (its allocations: 1.1.0.0/16, 10.0.0.0/23, 10.0.2.0/24, 2001:db8::/32)"
check "rule 1: exit 1" rc_is 1
run lirA add --prefix 1.1.10.0/24 --action allow --mntner MAINT-NONE
check "rule 2 (verbatim)" says "Rule 2: maintainer MAINT-NONE does not exist (no mntner object in JPIRR)"
run lirA add --prefix 1.1.0.0/18 --action allow --mntner MNT1
check "rule 3, allow over allow (verbatim)" says "Rule 3: two allow entries of the same maintainer may not overlap: entry #1 1.1.0.0/16 allow MNT1 (origins AS12345)"
run lirA add --prefix 1.1.0.0/16 --action allow --mntner MNT1
check "rule 3, an equal prefix overlaps" says "Rule 3: two allow entries of the same maintainer may not overlap: entry #1"
run lirA add --prefix 1.1.1.128/25 --action deny --mntner MNT2
check "rule 3, deny over deny (verbatim)" says "Rule 3: two deny entries of the same maintainer may not overlap: entry #3 1.1.1.0/24 deny MNT2"
run lirA add --prefix 1.1.1.0/25 --action allow --mntner MNT2
check "rule 4 (verbatim)" says "Rule 4: an allow may not equal or lie inside a deny of the same maintainer: entry #3 1.1.1.0/24 deny MNT2"
run lirA add --prefix 1.1.0.0/16 --action deny --mntner MNT2
check "rule 5 (verbatim)" says "Rule 5: a deny may not equal or contain an allow of the same maintainer: entry #2 1.1.0.0/17 allow MNT2"
run lirA add --prefix 1.1.0.0/17 --action deny --mntner MNT2
check "rule 5, equal prefix" says "Rule 5: a deny may not equal or contain an allow of the same maintainer: entry #2"
many=$(i=1; while [ $i -le 101 ]; do printf 'AS%d ' $((64600 + i)); i=$((i + 1)); done)
run lirA add --prefix 1.1.20.0/24 --action allow --mntner MNT2 --origins "$many"
check "rule 6 (verbatim)" says "Rule 6: 101 origin ASes given; an entry may list at most 100"
hundred=$(i=1; while [ $i -le 100 ]; do printf 'AS%d,' $((64600 + i)); i=$((i + 1)); done)
run irrctl authlist change 2 --as-lir LIR-B --origins AS1
check "another LIR's entry cannot be changed (verbatim)" says "Entry #2 belongs to LIR LIR-A; staff of LIR LIR-B may change only their own entries"
check "no refused change wrote anything" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM authlist")" = "$before"
run irrctl authlist add --staff --lir LIR-A --prefix 5.5.0.0/24 --action allow --mntner MNT1 --user suzuki
check "registry staff may enter any prefix (PI, multihoming)" says "entry #6 added"
check "staff entries are recorded as such" test "$(sqlite3 "$WORK/irr.db" "SELECT created_by FROM authlist WHERE id = 6")" = "staff:suzuki"
run irrctl authlist add --staff --lir LIR-Z --prefix 5.5.0.0/24 --action allow --mntner MNT1
check "an entry for an LIR account that does not exist (verbatim)" says "There is no LIR account LIR-Z"
run lirA delete 99
check "an entry that does not exist (verbatim)" says "There is no authorisation list entry #99"
irrctl authlist list --staff --lir LIR-A >"$WORK/out"
check "search by LIR (registry staff)" test "$(grep -c '^[0-9]' "$WORK/out")" = 6
run lirA change 2 --origins "$hundred"
check "100 origin ASes are fine" says "entry #2 changed"
lirA change 2 --origins "" >/dev/null

# ---- search, sort, export ----
lirA list --prefix 1.1.1.0/24 --match less >"$WORK/out"
check "less-specific-or-equal search" test "$(grep -c '^[0-9]' "$WORK/out")" = 3
lirA list --prefix 1.1.0.0/16 --match more --sort prefix --desc >"$WORK/out"
check "more-specific-or-equal, sorted by prefix descending" test "$(grep '^[0-9]' "$WORK/out" | awk '{print $1}' | tr '\n' ' ')" = "3 2 1 "
lirA list --prefix 1.1.0.0/17 >"$WORK/out"
check "exact search" test "$(grep '^[0-9]' "$WORK/out" | awk '{print $1}' | tr '\n' ' ')" = "2 "
lirA list --mntner mnt2 --sort id >"$WORK/out"
check "search by maintainer" test "$(grep '^[0-9]' "$WORK/out" | awk '{print $1}' | tr '\n' ' ')" = "2 3 "
lirA list --origin AS12345 >"$WORK/out"
check "search by origin AS" test "$(grep '^[0-9]' "$WORK/out" | awk '{print $1}' | tr '\n' ' ')" = "1 4 "
lirA list --sort mntner >"$WORK/out"
check "sort by maintainer" test "$(grep '^[0-9]' "$WORK/out" | awk '{print $5}' | uniq | tr '\n' ' ')" = "MNT1 MNT2 "
lirA list --sort origin --desc --limit 1 >"$WORK/out"
check "sort by origin descending, limited" test "$(grep '^[0-9]' "$WORK/out" | awk '{print $1}')" = 4
irrctl authlist list --as-lir LIR-B >"$WORK/out"
check "LIR staff see only their own entries" grep -qx "# 0 entries" "$WORK/out"
lirA export --mntner MNT1 >"$WORK/out"
check "plain-text export (verbatim line)" grep -qx "1        LIR-A        1.1.0.0/16                                  allow  MNT1                     AS12345" "$WORK/out"
lirA list --prefix 1.1.0.0/17 --json >"$WORK/out"
check "JSON output" sh -c "grep -q '\"mntner\": \"MNT2\"' $WORK/out && grep -q '\"created_by\": \"lir:LIR-A:' $WORK/out"

# ---- marks: whois and irrctl ----
check "irrd starts" start_irrd "$CONF" "$WORK/irrd.log"
whois -h 127.0.0.1 -p "$PORT" -- "-r -T route 1.1.0.0/16" >"$WORK/out"
check "whois: the route carries its mark" grep -q "^% Verified by authorisation list entry #1 (" "$WORK/out"
whois -h 127.0.0.1 -p "$PORT" -- "-r -T route 1.1.200.0/24" >"$WORK/out"
check "whois: an override is marked as such" says "% Accepted by registry staff override, not verified by the authorisation list"
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; printf "!r1.1.0.0/16\n" >&3; timeout 5 cat <&3' >"$WORK/out"
check "IRRd-style !r answers stay pure RPSL" sh -c "! grep -q '^%' $WORK/out && grep -q '^route:' $WORK/out"
# issue 12 item 5, stale verified mark: the mark follows every change of the list.
# 1.1.3.0/24AS64502 (mnt-by MNT1, MNT2) was verified by MNT2's entry #2.
mark_of() { whois -h 127.0.0.1 -p "$PORT" -- "-r -T route $1" >"$WORK/out"; }
lirA change 1 --origins "AS12345 AS64502" >/dev/null
mark_of 1.1.3.0/24
check "issue 12 item 5: a change after which the marked entry still allows the route keeps the mark" \
	grep -q "^% Verified by authorisation list entry #2 (" "$WORK/out"
lirA change 2 --origins AS64501 >/dev/null
mark_of 1.1.3.0/24
check "issue 12 item 5: the deciding entry changed: whois prints the entry that decides now" \
	sh -c "grep -q '^% Verified by authorisation list entry #1 (' $WORK/out && ! grep -q 'entry #2' $WORK/out"
lirA change 1 --origins AS12345 >/dev/null
mark_of 1.1.3.0/24
check "issue 12 item 5: the deciding entry changed and no other allows the route: whois prints no verified mark" \
	sh -c "grep -q '^% Not verified by the authorisation list' $WORK/out && ! grep -q 'Verified by' $WORK/out"
irrctl authlist check >"$WORK/out"
check "issue 12 item 5: ... and the consistency check lists the route (verbatim)" \
	says "route 1.1.3.0/24AS64502 (mnt-by MNT1, MNT2): the list would refuse it now: MNT1: origin AS64502 is not in the list of entry #1 (allowed: AS12345); MNT2: origin AS64502 is not in the list of entry #2 (allowed: AS64501)"
lirA change 2 --origins "" >/dev/null
mark_of 1.1.3.0/24
check "issue 12 item 5: the list allows the route again: the mark is back" \
	grep -q "^% Verified by authorisation list entry #2 (" "$WORK/out"
{ route 1.1.3.0/24 AS64502 MNT1; printf '\npassword: one\n'; } | submit
check "issue 12 item 5: a modify dropping the deciding maintainer from mnt-by succeeds" says "Modify SUCCEEDED: [route] 1.1.3.0/24AS64502"
mark_of 1.1.3.0/24
check "issue 12 item 5: ... and the mark is decided again: MNT1's entry does not allow it" \
	sh -c "grep -q '^% Not verified by the authorisation list' $WORK/out && ! grep -q 'Verified by' $WORK/out"
{ route 1.1.3.0/24 AS64502 "MNT1, MNT2"; printf '\npassword: one\npassword: two\n'; } | submit
mark_of 1.1.3.0/24
check "issue 12 item 5: a modify adding MNT2 back: verified by entry #2 again" \
	grep -q "^% Verified by authorisation list entry #2 (" "$WORK/out"
stop_irrd "whois with marks" "$WORK/irrd.log"
irrctl authlist routes --verified >"$WORK/out"
check "irrctl lists verified routes" grep -q "1.1.0.0/17AS64501 .*verified by authorisation list entry #2" "$WORK/out"
write_config "$WORK/open.conf" "$WORK/irr.db" JPIRR "authlist.unallocated = allow"
{ route 198.51.100.0/24 AS64500 MNT1; printf '\npassword: one\n'; } | "$BIN/irrctl" -c "$WORK/open.conf" submit >"$WORK/out" 2>&1
check "authlist.unallocated = allow: space nobody holds accepted, and said so" \
	says "No LIR holds this space and no authorisation list entry covers it"
irrctl authlist routes --unverified >"$WORK/out"
check "irrctl lists unverified routes" grep -q "^route *198.51.100.0/24AS64500 *not verified by the authorisation list" "$WORK/out"
irrctl authlist routes --verified >"$WORK/out"
check "an override is listed with the verified (marked) routes" says "1.1.200.0/24AS64503"

# ---- consistency: a return, then a removed entry ----
routes_before=$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects WHERE class IN ('route', 'route6')")
rm -rf "$WORK/mail"
grep -v '|1.1.0.0|' "$WORK/delegated" >"$WORK/delegated2"
run irrctl alloc load --format delegated "$WORK/delegated2"
check "reload: the missing block is a return" says "returned: 1.1.0.0/16 by LIR-A (allocated)"
check "reload: the consistency check ran" says "consistency check: 6 entries checked, 3 outside their LIR's allocations (3 newly flagged)"
irrctl authlist list --staff --flagged >"$WORK/out"
check "the entries inside the returned block are flagged" test "$(grep -c 'FLAGGED: 1.1.0.0/16\|FLAGGED: 1.1.0.0/17\|FLAGGED: 1.1.1.0/24' "$WORK/out")" = 3
check "staff PI entries outside allocations are not flagged" sh -c "! grep -q '^6 ' $WORK/out"
check "flagged, not deleted" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM authlist")" = 6
check "route objects untouched" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects WHERE class IN ('route', 'route6')")" = "$routes_before"
check "the LIR was notified" sh -c "grep -l '^To: lir-a@example.jp' $WORK/mail/* | xargs grep -q 'entry #1 1.1.0.0/16 allow MNT1 (origins AS12345): 1.1.0.0/16 is no longer inside an allocation of LIR LIR-A'"
# MNT2: its two entries, and its four routes in the returned space (the override's
# 1.1.200.0/24, and 1.1.0.0/17, 1.1.2.0/24, 1.1.3.0/24 its flagged entry no longer allows)
check "the maintainers were notified (upd-to)" sh -c "grep -l '^To: mnt2@example.jp' $WORK/mail/* | xargs grep -q 'Subject: JPIRR authorisation list check: 6 findings for maintainer MNT2'"
# issue 12 item 4, returned space still authorises: the flagged entries authorise nothing
{ route 1.1.9.0/24 AS12345 MNT1; printf '\npassword: one\n'; } | submit
check "issue 12 item 4: returned space: a new route under the old entry is refused (verbatim)" \
	says "MNT1: entry #1 of LIR LIR-A is outside that LIR's current allocations and authorises nothing"
check "issue 12 item 4: returned space: no verified mark from the flagged entry" sh -c "! grep -q 'Verified by' $WORK/out && grep -q 'Create FAILED' $WORK/out"
irrctl authlist routes --unverified >"$WORK/out"
check "issue 12 item 5: returned space: the marks went with the allocation" \
	grep -q "^route *1.1.0.0/16AS12345 *not verified by the authorisation list" "$WORK/out"
irrctl authlist routes --verified >"$WORK/out"
check "issue 12 item 5: an override mark stays when the list refuses the route" \
	grep -q "^route *1.1.200.0/24AS64503 *accepted by the registry staff override" "$WORK/out"
run irrctl alloc load --format delegated "$WORK/delegated"
irrctl authlist check >/dev/null
check "the block comes back: flags cleared by the next check" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM authlist WHERE flagged IS NOT NULL")" = 0
irrctl authlist routes --verified >"$WORK/out"
check "issue 12 item 5: the block comes back: the marks follow" grep -q "1.1.0.0/16AS12345 .*verified by authorisation list entry #1" "$WORK/out"

# issue 12 item 4: the allocation moves to LIR-B; only LIR-B's entries decide there
sed 's/|1.1.0.0|65536|20110101|allocated|A1$/|1.1.0.0|65536|20110101|allocated|B2/' "$WORK/delegated" >"$WORK/delegated-moved"
run irrctl alloc load --format delegated "$WORK/delegated-moved"
check "move: reported as a change of holder" says "changed: 1.1.0.0/16 LIR-A allocated -> LIR-B allocated 20110101"
check "issue 12 item 4: move: the consistency check ran and flagged the old LIR's entries" \
	says "consistency check: 6 entries checked, 3 outside their LIR's allocations (3 newly flagged)"
{ route 1.1.9.0/24 AS12345 MNT1; printf '\npassword: one\n'; } | submit
check "issue 12 item 4: moved space: the old LIR's entry authorises nothing (verbatim)" \
	says "MNT1: entry #1 of LIR LIR-A is outside that LIR's current allocations and authorises nothing"
irrctl authlist routes --unverified >"$WORK/out"
check "issue 12 item 5: moved space: routes the old LIR's entries allowed lost their marks" \
	sh -c "grep -q '^route *1.1.0.0/16AS12345 *not verified' $WORK/out && grep -q '^route *1.1.0.0/17AS64501 *not verified' $WORK/out"
run irrctl authlist add --as-lir LIR-B --prefix 1.1.0.0/16 --action allow --mntner MNT1
check "issue 12 item 4: moved space: the new holder enters the same maintainer (the old LIR's entry does not stop it)" \
	says "entry #7 added"
{ route 1.1.9.0/24 AS64999 MNT1; printf '\npassword: one\n'; } | submit
check "issue 12 item 4: moved space: the new holder's entry decides" says "***Info: Verified by authorisation list entry #7"
irrctl authlist routes --verified >"$WORK/out"
check "issue 12 item 5: moved space: an existing route's mark names the new holder's entry" \
	grep -q "1.1.0.0/16AS12345 .*verified by authorisation list entry #7" "$WORK/out"
# back to LIR-A for what follows
{ route 1.1.9.0/24 AS64999 MNT1; printf 'delete:         test done\n\npassword: one\n'; } | submit
irrctl authlist delete 7 --as-lir LIR-B >/dev/null
irrctl alloc load --format delegated "$WORK/delegated" >/dev/null
irrctl authlist routes --verified >"$WORK/out"
check "moved back: the old LIR's entries decide again" sh -c "grep -q '1.1.0.0/16AS12345 .*entry #1' $WORK/out && grep -q '1.1.0.0/17AS64501 .*entry #2' $WORK/out"
check "moved back: flags cleared by the check the reload ran" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM authlist WHERE flagged IS NOT NULL")" = 0

run irrctl authlist delete 2 --as-lir LIR-A
check "entry #2 deleted" says "entry #2 deleted"
check "issue 12 item 5: irrd starts" start_irrd "$CONF" "$WORK/irrd3.log"
mark_of 1.1.0.0/17
check "issue 12 item 5: the deciding entry deleted: whois no longer prints its mark" \
	sh -c "grep -q '^% Not verified by the authorisation list' $WORK/out && ! grep -q 'entry #2' $WORK/out"
stop_irrd "whois after the entry was deleted" "$WORK/irrd3.log"
irrctl authlist check >"$WORK/out"
check "check: routes the list would now refuse are listed (verbatim)" \
	says "route 1.1.0.0/17AS64501 (mnt-by MNT2): the list would refuse it now: MNT2: no entry of MNT2 covers 1.1.0.0/17"
check "check: per LIR" says "== LIR LIR-A (Example LIR A)"
check "check: per maintainer" says "== maintainer MNT2"
check "check: the route is still there" sh -c "$BIN/irrctl -c $CONF show route 1.1.0.0/17AS64501 >/dev/null"
irrctl authlist check --json >"$WORK/out"
check "check --json" says '"kind": "route"'

# issue 12 item 16: routes in space nobody holds name their maintainers, who are told
{ route 198.51.100.0/24 AS64501 "MNT1, MNT2"; printf '\npassword: one\n'; } |
	"$BIN/irrctl" -c "$WORK/open.conf" submit >/dev/null 2>&1
rm -rf "$WORK/mail"
irrctl authlist check --notify >"$WORK/out"
check "issue 12 item 16: a route in unheld space names its maintainer (verbatim)" \
	says "route 198.51.100.0/24AS64500 (mnt-by MNT1): the list would refuse it now: no LIR holds 198.51.100.0/24 and no authorisation list entry covers it"
check "issue 12 item 16: ... every maintainer of a route with two" says "route 198.51.100.0/24AS64501 (mnt-by MNT1, MNT2): the list would refuse it now"
check "issue 12 item 16: the route is listed under its maintainer" \
	sh -c "sed -n '/^== maintainer MNT1\$/,/^== /p' $WORK/out | grep -q '198.51.100.0/24AS64500'"
check "issue 12 item 16: the maintainer was notified (upd-to)" \
	sh -c "grep -l '^To: mnt1@example.jp' $WORK/mail/* | xargs grep -q 'route 198.51.100.0/24AS64500 (mnt-by MNT1): the list would refuse it now'"
check "issue 12 item 16: the second maintainer was notified too" \
	sh -c "grep -l '^To: mnt2@example.jp' $WORK/mail/* | xargs grep -q 'route 198.51.100.0/24AS64501 (mnt-by MNT1, MNT2)'"
irrctl authlist check --json >"$WORK/out"
finding() {
	sqlite3 :memory: "SELECT json_extract(value, '\$.$2') FROM json_each(json_extract(readfile('$WORK/out'), '\$.findings'))
		WHERE json_extract(value, '\$.route') = '$1'"
}
check "issue 12 item 16: JSON findings name the maintainer" test "$(finding 198.51.100.0/24AS64500 mntner)" = MNT1
check "issue 12 item 16: JSON findings list every maintainer" test "$(finding 198.51.100.0/24AS64501 mntners)" = '["MNT1","MNT2"]'
{ route 198.51.100.0/24 AS64501 "MNT1, MNT2"; printf 'delete:         test done\n\npassword: one\n'; } | submit
{ route 1.1.0.0/17 AS64501 MNT2; printf 'delete:         gone\n\npassword: two\n'; } | submit
check "deleting a route the list would refuse is never blocked" says "Delete SUCCEEDED: [route] 1.1.0.0/17AS64501"
check "its mark goes with it" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM route_verification WHERE pkey = '1.1.0.0/17AS64501'")" = 0

# ---- irrd runs the check on its timer (authlist.check_interval) ----
rm -rf "$WORK/mail"
sed -i 's/^authlist.check_interval = 0$/authlist.check_interval = 1/' "$CONF"
check "irrd starts with a 1 s check interval" start_irrd "$CONF" "$WORK/irrd2.log"
i=0; while ! grep -q "authorisation list check:" "$WORK/irrd2.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "irrd ran the check in the background" grep -q "authorisation list check: 5 entries, 0 outside their allocations; 6 routes, 4 the list would refuse now" "$WORK/irrd2.log"
check "irrd's check notified by mail" sh -c "ls $WORK/mail/* >/dev/null 2>&1"
stop_irrd "irrd with the periodic check" "$WORK/irrd2.log"

# ---- issue 12 items 4 and 5 through `alloc add`, the other path that changes allocations ----
id=$(lirA add --prefix 10.0.2.0/24 --action allow --mntner MNT1 | sed -n 's/^entry #\([0-9]*\) added$/\1/p')
{ route 10.0.2.0/24 AS64510 MNT1; printf '\npassword: one\n'; } | submit
check "alloc add: the route is verified by the LIR's entry" says "***Info: Verified by authorisation list entry #$id"
grep -v '|10.0.0.0|' "$WORK/delegated" >"$WORK/delegated3"
irrctl alloc load --format delegated "$WORK/delegated3" >/dev/null
irrctl authlist routes --unverified >"$WORK/out"
check "issue 12 item 5: alloc add: the return took the mark" grep -q "^route *10.0.2.0/24AS64510 *not verified" "$WORK/out"
run irrctl alloc add --lir LIR-A --prefix 10.0.2.0/24 --status allocated
check "alloc add: the block is LIR-A's again" says "allocation 10.0.2.0/24 added to LIR-A"
irrctl authlist routes --verified >"$WORK/out"
check "issue 12 item 5: alloc add: the entry is in force again and the mark follows at once" \
	grep -q "10.0.2.0/24AS64510 .*verified by authorisation list entry #$id" "$WORK/out"

# ---- issue 12 (outside review): password guesses through the list's question ----
# A route maintained by MNT2 and MNT1 authenticates through MNT1's password; the list
# asks first whether the submitter is MNT2 (its entry allows the route), and that
# answer must not be a free oracle: the wrong password counts against MNT2.
lirA add --prefix 10.0.2.64/26 --action allow --mntner MNT2 >/dev/null
sqlite3 "$WORK/irr.db" "DELETE FROM auth_failures"
{ route 10.0.2.64/26 AS64502 "MNT2, MNT1"; printf '\npassword: one\npassword: guess-for-two\n'; } | submit
check "password guessing through the authorisation list's question: the route passes through MNT1" \
	says "Create SUCCEEDED: [route] 10.0.2.64/26AS64502"
check "password guessing through the authorisation list's question is counted against the maintainer asked" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT failures FROM auth_failures WHERE mntner = 'MNT2'")" -eq 2

# ---- issue 12 (outside review): a staff entry an LIR changed is the LIR's ----
sed 's/^apnic|JP|ipv4|10.0.0.0|768|20120101|allocated|A1$/apnic|JP|ipv4|10.0.0.0|512|20120101|allocated|A1/' "$WORK/delegated" >"$WORK/delegated-a"
sed 's/^apnic|JP|ipv4|10.0.0.0|768|20120101|allocated|A1$/apnic|JP|ipv4|10.0.0.0|512|20120101|allocated|B2/' "$WORK/delegated" >"$WORK/delegated-b"
irrctl alloc load --format delegated "$WORK/delegated-a" >/dev/null
run irrctl authlist add --staff --lir LIR-A --prefix 203.0.113.0/24 --action allow --mntner MNT2
staff_id=$(sed -n 's/^entry #\([0-9]*\) added$/\1/p' "$WORK/out")
check "staff entry for PI space outside LIR-A's allocations" test -n "$staff_id"
run lirA change "$staff_id" --prefix 10.0.1.0/24
check "LIR-A moves the staff entry onto its own block" rc_is 0
irrctl alloc load --format delegated "$WORK/delegated-b" >/dev/null
{ route 10.0.1.0/24 AS64511 MNT2; printf '\npassword: two\n'; } | submit
check "staff entry sticks after the space moves: once LIR staff changed it, it authorises nothing outside their allocations" \
	says "entry #$staff_id of LIR LIR-A is outside that LIR's current allocations and authorises nothing"

# ---- issue 12 (outside review): a reload of our source re-decides the marks ----
irrctl authlist routes --verified >"$WORK/out"
check "a verified route before the reload" grep -q "10.0.2.0/24AS64510 .*verified by authorisation list entry #$id" "$WORK/out"
sqlite3 "$WORK/irr.db" "SELECT text FROM objects WHERE source_id = (SELECT id FROM sources WHERE name = 'JPIRR')" |
	awk 'BEGIN { RS = "" } { print; print "" }' | sed '/^route: *10.0.2.0\/24$/,/^source:/s/^mnt-by: .*/mnt-by:         MNT2/' >"$WORK/reload.db"
irrctl load --source JPIRR "$WORK/reload.db" >/dev/null
irrctl authlist routes --verified >"$WORK/out"
check "load keeps a stale mark: after a reload that changed mnt-by, the mark is decided again (MNT2 has no entry there)" \
	sh -c "! grep -q '10.0.2.0/24AS64510 .*verified' $WORK/out"
