# Mirroring over NRTMv3 (issue 16): routereg B mirrors routereg A (import from A's
# dump at its CURRENTSERIAL, then A's changes by -g), C mirrors B (a chain, with A's
# serials kept); a change made on A is seen on C. Every bad stream from a hostile
# upstream (no %END, a second START, another source, serials going backwards,
# garbage) applies nothing and is recorded; a gap in the upstream's journal imports
# the dump again; a dead upstream is reported stalled; irrd's own timer follows A.
. tests/lib.sh

BCRYPT=$(mkpasswd -m bcrypt s3cret)
A="$WORK/a" B="$WORK/b" C="$WORK/c"
mkdir -p "$A/dumps" "$B/dumps" "$C"
write_config "$A/irr.conf" "$A/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "authlist.unallocated = allow" \
	"mail.sendmail = /bin/true" "nrtm.access = 127.0.0.0/8" "dump.dir = $A/dumps"
cat >"$WORK/base.db" <<X
mntner:         MAINT-M
descr:          test
admin-c:        MP1-JP
upd-to:         m@example.jp
auth:           BCRYPT-PW $BCRYPT
mnt-by:         MAINT-M
source:         JPIRR

person:         Mirror Person
address:        Tokyo
phone:          +81 3 0000 0000
nic-hdl:        MP1-JP
mnt-by:         MAINT-M
source:         JPIRR
X
"$BIN/irrctl" -c "$A/irr.conf" load --source JPIRR "$WORK/base.db" >/dev/null
route() { printf 'route:          %s\ndescr:          %s\norigin:         AS64496\nmnt-by:         MAINT-M\nsource:         JPIRR\n' "$1" "${2:-mirror}"; }
submit_a() { { cat; printf 'password:       s3cret\n'; } | "$BIN/irrctl" -c "$A/irr.conf" submit >/dev/null 2>&1; }
route 10.0.1.0/24 | submit_a
route 10.0.2.0/24 | submit_a
"$BIN/irrctl" -c "$A/irr.conf" export dump >/dev/null
route 10.0.3.0/24 | submit_a   # after the dump: B gets it over NRTM
check "A starts" start_irrd "$A/irr.conf" "$A/irrd.log"
A_PID=$IRRD_PID A_PORT=$PORT

mirror_conf() { # DIR UPSTREAM-PORT DUMP-DIR
	write_config "$1/irr.conf" "$1/irr.db" "LOCAL$(basename "$1" | tr a-z A-Z)" "whois.listen = 127.0.0.1:0" \
		"nrtm.access = 127.0.0.0/8" "mirror.JPIRR.nrtm = 127.0.0.1:$2" "mirror.JPIRR.dump = $3/jpirr.db.gz" \
		"mirror.JPIRR.serial = $3/JPIRR.CURRENTSERIAL" "mirror.JPIRR.interval = 1" "mirror.JPIRR.stall_after = 2"
}
# the job polls a source when its interval has passed since the last attempt: by hand, make it due
run_mirror() {
	[ -f "$1/irr.db" ] && sqlite3 "$1/irr.db" "UPDATE mirror_status SET last_attempt = 0" 2>/dev/null
	"$BIN/irrd" --run-job mirror -c "$1/irr.conf" >"$1/job.log" 2>&1
}
objects() { sqlite3 "$1/irr.db" "SELECT o.class || ' ' || o.pkey FROM objects o JOIN sources s ON s.id = o.source_id WHERE s.name = 'JPIRR' ORDER BY 1"; }
serial_of() { sqlite3 "$1/irr.db" "SELECT serial FROM mirror_status WHERE source = 'JPIRR'"; }
journal() { sqlite3 "$1/irr.db" "SELECT j.serial || ' ' || j.operation || ' ' || j.pkey FROM journal j JOIN sources s ON s.id = j.source_id WHERE s.name = 'JPIRR' AND j.serial > $2 ORDER BY 1"; }

mirror_conf "$B" "$A_PORT" "$A/dumps"
check "B's first run: import and NRTM" run_mirror "$B"
check "it imported the dump, then applied the change made after it" \
	sh -c "grep -q 'mirror JPIRR: imported 4 objects' '$B/job.log' && grep -q 'serial .* -> .*, 1 changes applied' '$B/job.log'"
check "B holds A's objects" test "$(objects "$B")" = "$(objects "$A")"
a_serial=$(sqlite3 "$A/irr.db" "SELECT serial_newest FROM sources WHERE name = 'JPIRR'")
check "B's serial is A's ($a_serial)" test "$(serial_of "$B")" = "$a_serial"
dump_serial=$(cat "$A/dumps/JPIRR.CURRENTSERIAL")
check "B's journal keeps A's serials" test "$(journal "$B" "$dump_serial")" = "$(journal "$A" "$dump_serial")"

# a change, a modification and a deletion on A
route 10.0.4.0/24 | submit_a
route 10.0.1.0/24 "modified" | submit_a
{ route 10.0.2.0/24; printf 'delete:         gone\n'; } | submit_a
check "B's next run" run_mirror "$B"
check "B holds A's objects after an add, a modify and a delete" test "$(objects "$B")" = "$(objects "$A")"
check "the modified text too" test "$(sqlite3 "$B/irr.db" "SELECT text FROM objects WHERE pkey = '10.0.1.0/24AS64496'" | grep -c '^descr: *modified')" = 1

# C mirrors B (B serves NRTM for the source it mirrors, and a dump of it)
"$BIN/irrctl" -c "$B/irr.conf" export dump --source JPIRR --dir "$B/dumps" >/dev/null
check "B starts (serving NRTM of its mirror)" start_irrd "$B/irr.conf" "$B/irrd.log"
B_PID=$IRRD_PID B_PORT=$PORT
mirror_conf "$C" "$B_PORT" "$B/dumps"
check "C's first run (from B)" run_mirror "$C"
route 10.0.5.0/24 | submit_a
run_mirror "$B"
check "C's run" run_mirror "$C"
check "a change made on A is seen on C (A -> B -> C)" test "$(objects "$C")" = "$(objects "$A")"
check "with A's serial" test "$(serial_of "$C")" = "$(sqlite3 "$A/irr.db" "SELECT serial_newest FROM sources WHERE name = 'JPIRR'")"
IRRD_PID=$B_PID
stop_irrd "B" "$B/irrd.log"

# The dump and serial over HTTP (libcurl), from python3's http.server on a free port
HTTP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$A/dumps" "$HTTP_PORT" >"$WORK/http.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$HTTP_PORT" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
H="$WORK/h"
mkdir -p "$H"
write_config "$H/irr.conf" "$H/irr.db" LOCALH "mirror.JPIRR.nrtm = 127.0.0.1:$A_PORT" \
	"mirror.JPIRR.dump = http://127.0.0.1:$HTTP_PORT/jpirr.db.gz" "mirror.JPIRR.serial = http://127.0.0.1:$HTTP_PORT/JPIRR.CURRENTSERIAL"
check "a mirror importing the dump and serial over HTTP" run_mirror "$H"
check "then following A: the same objects" test "$(objects "$H")" = "$(objects "$A")"
sed -i "s|^mirror.JPIRR.dump = .*|mirror.JPIRR.dump = http://127.0.0.1:$HTTP_PORT/nowhere.db.gz|" "$H/irr.conf"
"$BIN/irrctl" -c "$H/irr.conf" mirror reload JPIRR >/dev/null
run_mirror "$H"
check "a dump URL answering 404: the run fails, naming the status, and the objects stay" \
	sh -c "grep -q 'nowhere.db.gz: HTTP status 404' '$H/job.log' && test \"\$(sqlite3 '$H/irr.db' 'SELECT count(*) FROM objects')\" -gt 0"

# A hostile upstream: every bad stream applies nothing and is recorded
FAKE="$WORK/fake"
python3 "$REPO/tests/tools/fake_nrtm.py" "$FAKE" >"$WORK/fake.port" 2>"$WORK/fake.err" &
FAKE_PID=$!
PIDS="$PIDS $FAKE_PID"
i=0
while [ ! -s "$WORK/fake.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mirror_conf "$B" "$(cat "$WORK/fake.port")" "$A/dumps"
s=$(serial_of "$B")
n=$((s + 1))
good_change="ADD $n

$(route 10.9.9.0/24 hostile)
"
hostile() { # NAME ANSWER MESSAGE
	printf '%s' "$2" >"$FAKE"
	before=$(objects "$B")
	run_mirror "$B"
	status=$?
	check "$1: the job fails cleanly (exit 1, no crash)" sh -c "test $status = 1 && ! grep -qi 'double free\|AddressSanitizer\|Aborted' '$B/job.log'"
	check "$1: nothing applied" sh -c "test '$(serial_of "$B")' = '$s' && test \"\$(sqlite3 '$B/irr.db' \"SELECT count(*) FROM objects WHERE pkey = '10.9.9.0/24AS64496'\")\" = 0"
	check "$1: recorded as the source's last error" \
		sh -c "sqlite3 '$B/irr.db' \"SELECT last_error FROM mirror_status WHERE source = 'JPIRR'\" | grep -qF '$3'"
}
hostile "a stream cut before %END" "%START Version: 3 JPIRR $n-$n

$good_change" "ended inside a block"
hostile "a second START" "%START Version: 3 JPIRR $n-$n

$good_change
%START Version: 3 JPIRR $n-$n
" "a second START inside a block"
hostile "another source" "%START Version: 3 RADB $n-$n

$good_change
%END RADB
" "START for another source: RADB"
hostile "serials going backwards" "%START Version: 3 JPIRR $n-$((n + 1))

ADD $((n + 1))

$(route 10.9.9.0/24 hostile)

ADD $n

$(route 10.9.8.0/24 hostile)

%END JPIRR
" "serials going backwards"
hostile "garbage" "%START Version: 3 JPIRR $n-$n

$good_change
this is not NRTM
" "expected ADD, DEL or %END"
check "the failures are counted" test "$(sqlite3 "$B/irr.db" "SELECT failures FROM mirror_status WHERE source = 'JPIRR'")" = 5
check "the query asked from the serial after B's" grep -q "^-g JPIRR:3:$n-LAST" "$FAKE.queries"
printf '%s' "%START Version: 3 JPIRR $n-$n

$good_change
%END JPIRR
" >"$FAKE"
check "a good stream afterwards applies" run_mirror "$B"
check "the change is in, the serial advanced, the failures reset" \
	sh -c "test '$(serial_of "$B")' = '$n' && test \"\$(sqlite3 '$B/irr.db' \"SELECT failures FROM mirror_status WHERE source = 'JPIRR'\")\" = 0"
# a block whose only object is of another source: skipped, but the serial moves for our own mirrors too
printf '%s' "%START Version: 3 JPIRR $((n + 1))-$((n + 1))

ADD $((n + 1))

$(route 10.9.7.0/24 hostile | sed 's/^source: .*/source:         RADB/')

%END JPIRR
" >"$FAKE"
run_mirror "$B"
check "a skipped change: logged, not applied" sh -c "grep -q 'serial $((n + 1)): an added object not applied' '$B/job.log' && test \"\$(sqlite3 '$B/irr.db' \"SELECT count(*) FROM objects WHERE pkey = '10.9.7.0/24AS64496'\")\" = 0"
check "the source's serial moves with the mirror's (no gap for B's own mirrors)" \
	test "$(sqlite3 "$B/irr.db" "SELECT serial_newest FROM sources WHERE name = 'JPIRR'")" = "$(serial_of "$B")"
n=$((n + 1))
printf '%%%% ERROR: Serials 1 - %s do not exist\n\n' "$n" >"$FAKE"
run_mirror "$B"
check "a gap in the upstream's journal: the dump is imported again, loudly" \
	sh -c "grep -q 'do not exist; importing the dump again' '$B/job.log' && grep -q 'imported .* objects from' '$B/job.log'"
kill $FAKE_PID
sleep 3
run_mirror "$B"
check "an upstream gone for stall_after: reported STALLED with its last error" \
	grep -q "mirror JPIRR: STALLED: serial .* has not advanced for .* s (mirror.JPIRR.stall_after = 2); last error: .*cannot connect" "$B/job.log"

"$BIN/irrctl" -c "$B/irr.conf" mirror status >"$WORK/status" 2>&1
check "irrctl mirror status: STALLED with serial, last success and last error (exit 1)" \
	sh -c "test $? = 1 && grep -q '^JPIRR: serial [0-9]*, last success 20.*, STALLED; last error: .*cannot connect' '$WORK/status'"
"$BIN/irrctl" -c "$B/irr.conf" mirror status --json >"$WORK/status.json" 2>&1
check "irrctl mirror status --json" test "$(jq -r '.[0] | "\(.source) \(.stalled) \(.failures > 0) \(.last_error != null)"' "$WORK/status.json")" = "JPIRR true true true"
mirror_conf "$B" "$A_PORT" "$A/dumps"
"$BIN/irrctl" -c "$B/irr.conf" mirror reload jpirr >"$WORK/out" 2>&1
check "irrctl mirror reload JPIRR" grep -q '^JPIRR: a full reload from the dump at irrd' "$WORK/out"
check "the next run imports the dump again" sh -c "'$BIN/irrd' --run-job mirror -c '$B/irr.conf' 2>&1 | grep -q 'imported .* objects'"
check "and the source is no longer stalled" sh -c "'$BIN/irrctl' -c '$B/irr.conf' mirror status | grep -qv STALLED"
"$BIN/irrctl" -c "$B/irr.conf" mirror reload RADB >"$WORK/out" 2>&1
check "reloading a source not mirrored: exit 1, said so" sh -c "test $? = 1 && grep -q 'RADB is not a mirrored source' '$WORK/out'"

# a failing source does not stop the next one (the job went on after the first failure)
Z="$WORK/z"
mkdir -p "$Z"
write_config "$Z/irr.conf" "$Z/irr.db" LOCALZ "mirror.AAA.nrtm = 127.0.0.1:1" "mirror.AAA.dump = $WORK/nowhere.db.gz" \
	"mirror.AAA.serial = $WORK/nowhere.serial" "mirror.JPIRR.nrtm = 127.0.0.1:$A_PORT" \
	"mirror.JPIRR.dump = $A/dumps/jpirr.db.gz" "mirror.JPIRR.serial = $A/dumps/JPIRR.CURRENTSERIAL"
run_mirror "$Z"
status=$?
check "two mirrors, the first failing: the job exits 1 without crashing" sh -c "test $status = 1 && ! grep -qi 'double free\|AddressSanitizer\|Aborted' '$Z/job.log'"
check "and the second is mirrored" test "$(objects "$Z")" = "$(objects "$A")"

# CURRENTSERIAL edges: out of range refused; 0 imported once, not again at every run
Y="$WORK/y"
mkdir -p "$Y"
echo 9223372036854775807 >"$Y/huge.serial"
echo 0 >"$Y/zero.serial"
write_config "$Y/irr.conf" "$Y/irr.db" LOCALY "mirror.JPIRR.dump = $A/dumps/jpirr.db.gz" "mirror.JPIRR.serial = $Y/huge.serial"
run_mirror "$Y"
check "a CURRENTSERIAL out of range is refused, naming it" grep -q 'huge.serial: serial 9223372036854775807 is out of range' "$Y/job.log"
sed -i "s|huge.serial|zero.serial|" "$Y/irr.conf"
run_mirror "$Y"
check "CURRENTSERIAL 0: imported" grep -q 'imported .* at serial 0' "$Y/job.log"
run_mirror "$Y"
check "and not imported again at the next run" test "$(grep -c 'imported' "$Y/job.log")" = 0

# irrd's timer follows A (interval 1 s)
mirror_conf "$B" "$A_PORT" "$A/dumps"
sqlite3 "$B/irr.db" "DELETE FROM mirror_status"
check "B starts with its mirror job" start_irrd "$B/irr.conf" "$B/irrd.log"
route 10.0.6.0/24 | submit_a
i=0
while [ "$(objects "$B")" != "$(objects "$A")" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
check "a change on A reaches B's whois through irrd's timer within seconds" \
	sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT; printf -- \"-r -s JPIRR 10.0.6.0/24\\n\" >&3; timeout 5 cat <&3' | grep -q '^route: *10.0.6.0/24'"
whois_raw '!J-*\n' >"$WORK/status"
check "!J: IRRd framing around JSON" sh -c "head -n 1 '$WORK/status' | grep -q '^A[0-9]*\$' && tail -n 1 '$WORK/status' | grep -qx C"
sed '1d;$d' "$WORK/status" >"$WORK/status.json"
check "!J: the mirrored source with its upstream serial, last update and no error" \
	test "$(jq -r '.JPIRR | "\(.source_type) \(.authoritative) \(.serial_newest_mirror == .serial_newest_journal) \(.last_update != null) \(.stalled) \(.objects > 0)"' "$WORK/status.json")" = "mirror false true true false true"
check "!J with a source list: only those" test "$(whois_raw '!JJPIRR\n' | sed '1d;$d' | jq -c keys)" = '["JPIRR"]'
check "!J of an unknown source: F naming it" test "$(whois_raw '!JNOPE\n')" = "F Unknown source NOPE"
stop_irrd "B with its timer" "$B/irrd.log"
IRRD_PID=$A_PID
stop_irrd "A" "$A/irrd.log"
