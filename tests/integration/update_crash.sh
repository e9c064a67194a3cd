# kill -9 of a submitter while it writes leaves the last committed state: every
# object either fully written (object, index rows, journal entry) or absent; the
# database passes integrity_check; submitting again completes the rest.
. tests/lib.sh

write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "authlist.unallocated = allow" "mail.sendmail = sh $REPO/tests/capture-mail.sh $WORK/mail" \
	"auth.override_hash = $(mkpasswd -m bcrypt staff)"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
N=3000
awk -v n=$N 'BEGIN {
	for (i = 0; i < n; i++)
		printf "route: 10.%d.%d.0/24\norigin: AS64496\nmnt-by: MAINT-EXAMPLE-JP\nsource: JPIRR\n\n", int(i / 256), i % 256
	print "override: staff"
}' >"$WORK/big.txt"
journal_before=$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM journal")

"$BIN/irrctl" -c "$WORK/irr.conf" submit <"$WORK/big.txt" >"$WORK/report" 2>&1 &
pid=$!
i=0
while [ "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM journal" 2>/dev/null || echo 0)" -le "$journal_before" ] && [ $i -lt 6000 ]; do
	kill -0 $pid 2>/dev/null || break
	sleep 0.02
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
written=$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects WHERE class = 'route' AND pkey LIKE '10.%'")
echo "# killed after $written of $N objects were written"
check "database passes integrity_check after kill -9" test "$(sqlite3 "$WORK/irr.db" "PRAGMA integrity_check")" = "ok"
check "every written route has its journal entry" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM journal WHERE pkey LIKE '10.%'")" -eq "$written"
check "every written route has its prefix index row" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects o WHERE o.pkey LIKE '10.%' AND NOT EXISTS (SELECT 1 FROM prefix_index x WHERE x.object_id = o.id)")" -eq 0
check "every written route has its origin index row" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects o WHERE o.pkey LIKE '10.%' AND NOT EXISTS (SELECT 1 FROM attr_index a WHERE a.object_id = o.id AND a.attr = 'origin')")" -eq 0
check "the kill interrupted the writes (not before, not after)" test "$written" -gt 0 -a "$written" -lt $N

"$BIN/irrctl" -c "$WORK/irr.conf" submit <"$WORK/big.txt" >"$WORK/report" 2>&1
check "submitting again completes: all $N routes exist" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects WHERE pkey LIKE '10.%'")" -eq $N
check "the ones written before the kill are No operation now" grep -q "  No Operation:   $written\$" "$WORK/report"
