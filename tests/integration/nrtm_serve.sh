# Serving NRTM (issue 16): -g SOURCE:V:FIRST-LAST from the journal with IRRd 4.5's
# framing and error texts byte for byte (PROTOCOLS.md), version 1 and 3, a deletion
# with its full old object, password hashes removed, nrtm.access per source and for
# all (nobody by default), and the Debian whois client fetching a range.
. tests/lib.sh

BCRYPT=$(mkpasswd -m bcrypt s3cret)
CONF="$WORK/irr.conf"
write_config "$CONF" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "authlist.unallocated = allow" \
	"mail.sendmail = /bin/true" "nrtm.access = JPIRR:127.0.0.0/8, 10.0.0.0/8"
cat >"$WORK/base.db" <<X
mntner:         MAINT-N
descr:          test
admin-c:        NP1-JP
upd-to:         n@example.jp
auth:           BCRYPT-PW $BCRYPT
mnt-by:         MAINT-N
source:         JPIRR

person:         Nrtm Person
address:        Tokyo
phone:          +81 3 0000 0000
nic-hdl:        NP1-JP
mnt-by:         MAINT-N
source:         JPIRR
X
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/base.db" >/dev/null
"$BIN/irrctl" -c "$CONF" load --source RADB demo/radb.db >/dev/null
route() { printf 'route:          %s\ndescr:          nrtm\norigin:         AS64496\nmnt-by:         MAINT-N\nsource:         JPIRR\n' "$1"; }
submit() { { cat; printf 'password:       s3cret\n'; } | "$BIN/irrctl" -c "$CONF" submit >/dev/null 2>&1; }
route 10.0.1.0/24 | submit
route 10.0.2.0/24 | submit
{ route 10.0.1.0/24; printf 'delete:         gone\n'; } | submit
{ sed 's/^descr: .*/descr:          changed password/' "$WORK/base.db" | sed -n '1,7p'; } | submit
first=$(sqlite3 "$WORK/irr.db" "SELECT serial_oldest FROM sources WHERE name = 'JPIRR'")
last=$(sqlite3 "$WORK/irr.db" "SELECT serial_newest FROM sources WHERE name = 'JPIRR'")
check "four changes journaled" test "$((last - first))" = 3
# the stored texts, as the answer must carry them (hashes filtered)
text() { sqlite3 "$WORK/irr.db" "SELECT text FROM journal WHERE serial = $1" | sed 's/^\(auth: *BCRYPT-PW\) .*/\1 # Filtered/'; }
check "irrd starts" start_irrd "$CONF" "$WORK/irrd.log"
g() { whois_raw "-g $1\n"; }

{
	printf '%%START Version: 3 JPIRR %s-%s\n' "$first" "$last"
	for s in $(seq "$first" "$last"); do
		op=$(sqlite3 "$WORK/irr.db" "SELECT operation FROM journal WHERE serial = $s")
		printf '\n%s %s\n\n' "$op" "$s"
		printf '%s\n' "$(text "$s")"
	done
	printf '\n%%END JPIRR\n\n'
} >"$WORK/want"
g "JPIRR:3:$first-LAST" >"$WORK/got"
check "-g SOURCE:3:FIRST-LAST: IRRd's framing byte for byte" cmp -s "$WORK/got" "$WORK/want"
check "the deletion carries the full old object" sh -c "grep -A3 '^DEL $((first + 2))\$' '$WORK/got' | grep -q '^route: *10.0.1.0/24'"
check "password hashes are removed" sh -c "grep -q '^auth: *BCRYPT-PW # Filtered' '$WORK/got' && ! grep -qF '$BCRYPT' '$WORK/got'"
g "JPIRR:1:$((first + 1))-$((first + 2))" >"$WORK/got"
check "version 1: no serials on ADD/DEL, the range resolved" \
	test "$(grep -E '^(%START|ADD|DEL|%END)' "$WORK/got")" = "$(printf '%%START Version: 1 JPIRR %s-%s\nADD\nDEL\n%%END JPIRR' $((first + 1)) $((first + 2)))"
check "nothing newer" test "$(g "JPIRR:3:$((last + 1))-LAST")" = "% Warning: there are no newer updates available"
check "serials before the journal" test "$(g "JPIRR:3:$((first - 1))-LAST")" = "%% ERROR: Serials $((first - 1)) - $first do not exist"
check "an end past the newest" test "$(g "JPIRR:3:$first-$((last + 5))")" = "%% ERROR: Serials $last - $((last + 5)) do not exist"
check "a start past the newest + 1" test "$(g "JPIRR:3:$((last + 3))-LAST")" = "%% ERROR: Serials $last - $((last + 3)) do not exist"
check "a reversed range" test "$(g "JPIRR:3:$last-$first")" = \
	"%% ERROR: Start of the serial range ($last) must be lower or equal to end of the serial range ($first)"
check "two elements" test "$(g "JPIRR:3")" = "%% ERROR: Invalid parameter: must contain three elements"
check "four elements" test "$(g "JPIRR:1:1-LAST:foo")" = "%% ERROR: Invalid parameter: must contain three elements"
for r in 1 LAST-1 LAST 1-x; do
	check "the range $r" test "$(g "JPIRR:3:$r")" = "%% ERROR: Invalid serial range: $r"
done
check "version 9" test "$(g "JPIRR:9:1-LAST")" = "%% ERROR: Invalid NRTM version: 9"
check "an unknown source, upper-cased" test "$(g "nowhere:3:1-LAST")" = "%% ERROR: Unknown source: NOWHERE"
check "the pseudo-source RPKI has no journal to serve" test "$(g "RPKI:3:1-LAST")" = "%% ERROR: Unknown source: RPKI"
check "RADB: not in this client's access list" test "$(g "RADB:3:1-LAST")" = "%% ERROR: Access denied"
check "source names in any case" sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-g jpirr:3:$first-LAST\\n\" >&3; timeout 5 cat <&3' | head -n 1 | grep -q '^%START Version: 3 JPIRR'"
if command -v whois >/dev/null 2>&1; then
	# (the client lower-cases the whole query: "-g jpirr:3:N-last"; LAST is taken in any case, as RIPE does)
	whois -h 127.0.0.1 -p "$PORT" -- "-g JPIRR:3:$first-LAST" >"$WORK/client" 2>&1
	check "the Debian whois client fetches the range" sh -c "grep -q '^%START Version: 3 JPIRR $first-$last' '$WORK/client' && grep -q '^%END JPIRR' '$WORK/client'"
fi
check "!J: our source authoritative with its journal range, RADB loaded" \
	test "$(whois_raw '!J-*\n' | sed '1d;$d' | jq -r '"\(.JPIRR.source_type) \(.JPIRR.authoritative) \(.JPIRR.serial_oldest_journal) \(.JPIRR.serial_newest_journal) \(.RADB.source_type)"')" = \
	"authoritative true $first $last loaded"
# -k with LAST: the stream stays open and every commit is pushed as its own block at once
python3 "$REPO/tests/tools/nrtm_follow.py" "$PORT" "-k -g JPIRR:3:$((last + 1))-LAST" 8 >"$WORK/follow.out" &
FOLLOWER=$!
sleep 1
route 10.0.7.0/24 | submit
pushed_at=$(date +%s.%N)
route 10.0.8.0/24 | submit
sleep 1
{ route 10.0.7.0/24; printf 'delete:         gone\n'; } | submit
wait $FOLLOWER
check "-k -g ...-LAST: first the usual warning (nothing newer yet)" grep -q '^% Warning: there are no newer updates available' "$WORK/follow.out"
check "then each commit pushed as a block of its own (3 blocks: ADD, ADD, DEL)" \
	test "$(grep -E '^(%START|ADD|DEL|%END)' "$WORK/follow.out" | tr '\n' ' ')" = \
	"%START Version: 3 JPIRR $((last + 1))-$((last + 1)) ADD $((last + 1)) %END JPIRR %START Version: 3 JPIRR $((last + 2))-$((last + 2)) ADD $((last + 2)) %END JPIRR %START Version: 3 JPIRR $((last + 3))-$((last + 3)) DEL $((last + 3)) %END JPIRR "
arrived=$(grep -m2 '^@ ' "$WORK/follow.out" | tail -n 1 | cut -c3-)
lag_ms=$(awk -v a="$arrived" -v b="$pushed_at" 'BEGIN { printf "%d", (a - b) * 1000 }')
# (a figure, not a timing test: the bound only says it was pushed, not found by a later poll of the client's)
check "a commit reaches the follower without the client asking (${lag_ms} ms after the submission returned)" test "$lag_ms" -lt 5000
stop_irrd "after NRTM" "$WORK/irrd.log"

sed -i 's/^nrtm.access = .*//' "$CONF"
check "irrd starts without nrtm.access" start_irrd "$CONF" "$WORK/irrd.log"
check "without nrtm.access nobody may read NRTM (as IRRd)" test "$(g "JPIRR:3:$first-LAST")" = "%% ERROR: Access denied"
stop_irrd "after the access test" "$WORK/irrd.log"
echo "nrtm.access = JPIRR:not-a-prefix" >>"$CONF"
"$BIN/irrd" -c "$CONF" >"$WORK/bad.log" 2>&1
check "a bad nrtm.access entry: irrd refuses to start, naming the key" grep -q 'nrtm.access: entries must be an address prefix' "$WORK/bad.log"

# Journal retention: only the newest 2 serials kept (nrtm.journal_serials); NRTM says the rest do not exist
sed -i 's/^nrtm.access = .*//' "$CONF"
printf 'nrtm.access = 127.0.0.0/8\nnrtm.journal_serials = 2\n' >>"$CONF"
newest=$(sqlite3 "$WORK/irr.db" "SELECT serial_newest FROM sources WHERE name = 'JPIRR'")
"$BIN/irrd" --run-job journal-trim -c "$CONF" >"$WORK/trim.log" 2>&1
check "irrd --run-job journal-trim deletes what is past the retention, saying how much" \
	grep -q 'journal retention: [0-9]* entries older than the retention deleted' "$WORK/trim.log"
check "the newest 2 serials stay" test "$(sqlite3 "$WORK/irr.db" "SELECT serial_oldest FROM sources WHERE name = 'JPIRR'")" = "$((newest - 1))"
check "irrd starts with the retention" start_irrd "$CONF" "$WORK/irrd.log"
check "NRTM from a trimmed serial: do not exist" test "$(g "JPIRR:3:$first-LAST")" = "%% ERROR: Serials $first - $((newest - 1)) do not exist"
check "NRTM from the oldest kept serial answers" sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-g JPIRR:3:$((newest - 1))-LAST\\n\" >&3; timeout 5 cat <&3' | head -n 1 | grep -qx '%START Version: 3 JPIRR $((newest - 1))-$newest'"
stop_irrd "after the retention test" "$WORK/irrd.log"
