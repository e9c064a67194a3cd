# kill -9 of a submitter while it works leaves the last committed state: a
# submission is one transaction, so after the kill none of its objects, journal
# entries or audit rows exist; the database passes integrity_check; submitting again
# applies everything (issue 12, "partial, unaudited updates").
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

audit_before=$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM audit")
# is_locked: the submitter holds the write lock (its one transaction is open)
is_locked() { ! sqlite3 -cmd ".timeout 0" "$WORK/irr.db" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; }
"$BIN/irrctl" -c "$WORK/irr.conf" submit <"$WORK/big.txt" >"$WORK/report" 2>&1 &
pid=$!
i=0
while ! is_locked && [ $i -lt 3000 ]; do
	kill -0 $pid 2>/dev/null || break
	sleep 0.01
	i=$((i + 1))
done
sleep 0.2
check "the kill lands inside the submission's transaction" is_locked
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
written=$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects WHERE class = 'route' AND pkey LIKE '10.%'")
echo "# killed after $written of $N objects were written"
check "database passes integrity_check after kill -9" test "$(sqlite3 "$WORK/irr.db" "PRAGMA integrity_check")" = "ok"
check "partial update after kill -9: no route of the submission exists" test "$written" -eq 0
check "partial update after kill -9: no journal entry" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM journal")" -eq "$journal_before"
check "partial update after kill -9: no audit row" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM audit")" -eq "$audit_before"
check "no index row left behind" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM prefix_index x WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = x.object_id)")" -eq 0

"$BIN/irrctl" -c "$WORK/irr.conf" submit <"$WORK/big.txt" >"$WORK/report" 2>&1
check "submitting again completes: all $N routes exist" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects WHERE pkey LIKE '10.%'")" -eq $N
check "every written route has its journal entry" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM journal WHERE pkey LIKE '10.%'")" -eq $N
check "every written route has its prefix index row" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects o WHERE o.pkey LIKE '10.%' AND NOT EXISTS (SELECT 1 FROM prefix_index x WHERE x.object_id = o.id)")" -eq 0
check "every written route has its origin index row" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM objects o WHERE o.pkey LIKE '10.%' AND NOT EXISTS (SELECT 1 FROM attr_index a WHERE a.object_id = o.id AND a.attr = 'origin')")" -eq 0
check "the retry reports all $N as created" grep -q "  Create:         $N\$" "$WORK/report"
check "one audit row per route" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM audit WHERE pkey LIKE '10.%'")" -eq $N
