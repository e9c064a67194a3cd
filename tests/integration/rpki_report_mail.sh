# The mailed RPKI reports (issue 15, "Correlation"): irrd's timer mails each address
# one message with the findings that concern it (as the LIR's contact, as a
# maintainer's upd-to, or both: each finding once), only what was not mailed to it
# before; a fixed finding is forgotten and mailed again if it comes back; an address
# that cannot be mailed does not stop the others; the mails and the record of what
# was told commit together (a failed run mails nothing and records nothing).
. tests/lib.sh

CONF="$WORK/irr.conf"
MAIL="$WORK/mail"
# 192.0.2.0/24-24 AS64496: 192.0.2.128/25 invalid; 198.51.100.0/24-24 AS64497: the
# route of AS64496 invalid; 203.0.113.0/24-24 AS64500: no route
vrp_json "192.0.2.0/24 24 64496" "198.51.100.0/24 24 64497" "203.0.113.0/24 24 64500" >"$WORK/vrps.json"
write_config "$CONF" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "authlist.unallocated = allow" \
	"mail.sendmail = sh $REPO/tests/capture-mail.sh $MAIL" "mail.from = irr@registry.example" \
	"rpki.vrp_file = $WORK/vrps.json" "rpki.report_interval = 0"
route() {
	printf 'route:          %s\ndescr:          test\norigin:         %s\nmnt-by:         %s\nsource:         JPIRR\n\n' "$1" "$2" "$3"
}
people() {
	printf 'mntner:         MAINT-A\ndescr:          test\nadmin-c:        TY1-JP\nupd-to:         a@example.jp\nauth:           MAIL-FROM a@example.jp\nmnt-by:         MAINT-A\nsource:         JPIRR\n\n'
	# MAINT-B's upd-to is also the LIR's contact: one mail, each finding once
	printf 'mntner:         MAINT-B\ndescr:          test\nadmin-c:        TY1-JP\nupd-to:         lir@example.jp\nauth:           MAIL-FROM b@example.jp\nmnt-by:         MAINT-B\nsource:         JPIRR\n\n'
	printf 'person:         Taro Yamada\naddress:        Tokyo\nphone:          +81 3 0000 0000\nnic-hdl:        TY1-JP\nmnt-by:         MAINT-A\nsource:         JPIRR\n\n'
}
{
	people
	route 192.0.2.0/24 AS64496 MAINT-A
	route 192.0.2.128/25 AS64496 MAINT-A
	route 198.51.100.0/24 AS64496 MAINT-B
} >"$WORK/reg.db"
irrctl() { "$BIN/irrctl" -c "$CONF" "$@"; }
check "the registry loads" sh -c "'$BIN/irrctl' -c '$CONF' load --source JPIRR '$WORK/reg.db' >/dev/null"
irrctl lir add --id LIR-A --name "LIR A" --email lir@example.jp >/dev/null
for b in 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24; do
	irrctl alloc add --lir LIR-A --prefix $b --status allocated >/dev/null
done

run_job() { "$BIN/irrd" --run-job rpki-report -c "$CONF" >"$WORK/job.log" 2>&1; }
mails_to() { grep -l "^To: $1" "$MAIL"/mail.* 2>/dev/null; }
count_mails() { ls "$MAIL" 2>/dev/null | wc -l; }
body_of() { sed '1,/^$/d' "$(mails_to "$1")"; }

check "before irrd wrote its VRPs the job runs and reports nothing" run_job
check "and says why" grep -qF 'irrd has written no VRPs yet' "$WORK/job.log"
check "and mails nobody" test "$(count_mails)" = 0

check "irrd starts" start_irrd "$CONF" "$WORK/irrd.log"
i=0
while [ "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_status')" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
stop_irrd "after writing the VRPs" "$WORK/irrd.log"

check "the first run succeeds" run_job
check "and logs what it did" grep -qF "RPKI report: 4 findings for 2 addresses; 2 mails with 5 new findings" "$WORK/job.log"
check "one mail per address" test "$(count_mails)" = 2
check "to the maintainer MAINT-A's upd-to" test -n "$(mails_to a@example.jp)"
check "the subject counts the new findings" grep -qF 'Subject: JPIRR RPKI report: 1 new finding' "$(mails_to a@example.jp)"
check "MAINT-A is told its invalid route and whose it is" test "$(body_of a@example.jp | sed -n '/^RPKI-invalid/,/^$/p')" = \
	"$(printf 'RPKI-invalid routes:\n  192.0.2.128/25 AS64496: conflicting VRPs 192.0.2.0/24-24 AS64496\n    (maintainer MAINT-A)\n')"
check "the LIR's contact (also MAINT-B's upd-to) gets one mail" test "$(mails_to lir@example.jp | wc -l)" = 1
check "with the LIR's findings, each once, naming both roles where both apply" \
	test "$(body_of lir@example.jp | sed -n '/^RPKI-invalid/,/^Each finding/p')" = "$(printf '%s\n' \
	'RPKI-invalid routes:' \
	'  192.0.2.128/25 AS64496: conflicting VRPs 192.0.2.0/24-24 AS64496' \
	'    (LIR LIR-A)' \
	'  198.51.100.0/24 AS64496: conflicting VRPs 198.51.100.0/24-24 AS64497' \
	'    (LIR LIR-A; maintainer MAINT-B)' \
	'' \
	'VRPs in the allocations with no route object:' \
	'  198.51.100.0/24-24 AS64497' \
	'    (LIR LIR-A)' \
	'  203.0.113.0/24-24 AS64500' \
	'    (LIR LIR-A)' \
	'' \
	'Each finding is mailed once while it lasts. `irrctl rpki report --lir ID` or `--mntner M` lists all of them.')"
check "the record holds what each address was told" \
	test "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_report_sent')" = 5

rm -f "$MAIL"/mail.*
check "a second run succeeds" run_job
check "and mails nothing: nothing is newly wrong" test "$(count_mails)" = 0
check "and says so" grep -qF '0 mails with 0 new findings' "$WORK/job.log"

# a new invalid route of MAINT-A, and 192.0.2.128/25 fixed (deleted)
{
	people
	route 198.51.100.0/25 AS64496 MAINT-A
	route 192.0.2.0/24 AS64496 MAINT-A
	route 198.51.100.0/24 AS64496 MAINT-B
} >"$WORK/more.db"
check "the registry changes (one route fixed, one new invalid)" sh -c "'$BIN/irrctl' -c '$CONF' load --source JPIRR '$WORK/more.db' >/dev/null"
rm -f "$MAIL"/mail.*
check "the third run succeeds" run_job
check "MAINT-A is mailed only the new invalid route" test "$(body_of a@example.jp | grep -c 'conflicting VRPs')" = 1
check "that is 198.51.100.0/25" grep -qF '198.51.100.0/25 AS64496: conflicting VRPs 198.51.100.0/24-24 AS64497' "$(mails_to a@example.jp)"
check "the LIR is told the new route, not the ones it knows" test "$(body_of lir@example.jp | grep -c 'conflicting VRPs')" = 1
check "and how many of the earlier ones are still open" grep -qF 'Still open from earlier reports to this address: 3.' "$(mails_to lir@example.jp)"
check "the fixed route is forgotten" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM rpki_report_sent WHERE finding LIKE '%192.0.2.128/25%'")" = 0

# the fixed route comes back: newly wrong again
route 192.0.2.128/25 AS64496 MAINT-A >>"$WORK/more.db"
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/more.db" >/dev/null
rm -f "$MAIL"/mail.*
run_job
check "a finding that comes back is mailed again" grep -qF '192.0.2.128/25 AS64496' "$(mails_to a@example.jp)"

# a failed run mails nothing and records nothing: the record table locked by another writer
route 198.51.100.128/25 AS64496 MAINT-A >>"$WORK/more.db"
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/more.db" >/dev/null
rm -f "$MAIL"/mail.*
before=$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_report_sent')
sqlite3 "$WORK/irr.db" "CREATE TRIGGER refuse BEFORE INSERT ON rpki_report_sent BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
"$BIN/irrd" --run-job rpki-report -c "$CONF" >"$WORK/job.log" 2>&1
check "a run whose record cannot be written fails" test $? -ne 0
check "with the reason logged" grep -qF 'disk full' "$WORK/job.log"
check "and mails nothing" test "$(count_mails)" = 0
check "and queues nothing" test "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM notify_queue')" = 0
check "and the record is as before" test "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_report_sent')" = "$before"
sqlite3 "$WORK/irr.db" "DROP TRIGGER refuse"
run_job
check "the next run mails the new finding" grep -qF '198.51.100.128/25 AS64496' "$(mails_to a@example.jp)"

# an address nobody can mail does not stop the others
sqlite3 "$WORK/irr.db" "UPDATE lir SET emails = 'not an address' WHERE id = 'LIR-A'" 2>/dev/null
sqlite3 "$WORK/irr.db" "DELETE FROM rpki_report_sent"
rm -f "$MAIL"/mail.*
run_job
check "a bad address is logged" grep -qF 'not mailed to' "$WORK/job.log"
check "the maintainer is still mailed" test -n "$(mails_to a@example.jp)"

# A maintainer with mnt-nfy and a contact with e-mail is told there, as IRRd mails about
# invalid routes (its upd-to only when neither gives an address)
{
	people
	printf 'mntner:         MAINT-C\ndescr:          test\nadmin-c:        HK1-JP\nupd-to:         upd-c@example.jp\nmnt-nfy:        nfy-c@example.jp\nauth:           MAIL-FROM c@example.jp\nmnt-by:         MAINT-C\nsource:         JPIRR\n\n'
	printf 'person:         Hanako Kato\naddress:        Tokyo\nphone:          +81 3 0000 0001\ne-mail:         hanako@example.jp\nnic-hdl:        HK1-JP\nmnt-by:         MAINT-C\nsource:         JPIRR\n\n'
	route 192.0.2.0/24 AS64496 MAINT-A
	route 203.0.113.0/25 AS64496 MAINT-C
} >"$WORK/c.db"
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/c.db" >/dev/null
rm -f "$MAIL"/mail.*
run_job
check "MAINT-C's invalid route goes to its mnt-nfy" grep -qF '203.0.113.0/25 AS64496' "$(mails_to nfy-c@example.jp)"
check "and to its admin-c's e-mail" grep -qF '203.0.113.0/25 AS64496' "$(mails_to hanako@example.jp)"
check "not to its upd-to" test -z "$(mails_to upd-c@example.jp)"

# irrd's own timer runs the job (rpki.report_interval)
# (and no mail left queued by an earlier run whose sendmail was slow: irrd's retry job would send it now)
sqlite3 "$WORK/irr.db" "UPDATE lir SET emails = 'lir@example.jp' WHERE id = 'LIR-A'; DELETE FROM rpki_report_sent; DELETE FROM notify_queue"
rm -f "$MAIL"/mail.*
sed -i 's/^rpki.report_interval = .*/rpki.report_interval = 1/' "$CONF"
check "irrd starts with a 1 s report interval" start_irrd "$CONF" "$WORK/irrd.log"
i=0
while [ "$(count_mails)" -lt 3 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "irrd's timer mails the reports (the LIR, MAINT-C's mnt-nfy and contact)" test "$(count_mails)" = 3 || { ls -la "$MAIL"; grep -h "^To:" "$MAIL"/mail.*; grep "RPKI report" "$WORK/irrd.log"; false; }
sleep 2.5
check "and later runs mail nothing more" test "$(count_mails)" = 3 || { grep -h "^To:" "$MAIL"/mail.*; grep "RPKI report\|notification" "$WORK/irrd.log"; }
stop_irrd "after the timed reports" "$WORK/irrd.log"

# a mail lists at most 1,000 new findings and counts the rest
{
	people
	for net in 192.0.2 198.51.100 203.0.113; do
		for i in $(seq 0 255); do route "$net.$i/32" AS64496 MAINT-A; done
		for i in $(seq 0 2 254); do route "$net.$i/31" AS64496 MAINT-A; done
	done
} >"$WORK/many.db"
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/many.db" >/dev/null
sqlite3 "$WORK/irr.db" "DELETE FROM rpki_report_sent"
rm -f "$MAIL"/mail.*
run_job
check "1,152 invalid routes: the mail lists 1,000" test "$(body_of a@example.jp | grep -c 'conflicting VRPs')" = 1000
check "and counts the rest" grep -qF '... and 152 more new findings, not listed here: `irrctl rpki report` lists them all.' "$(mails_to a@example.jp)"
