# Dumps for mirrors (issue 16, "Dumps"): irrctl export dump and irrd's timer write
# <source>.db.gz and <SOURCE>.CURRENTSERIAL: every object, password hashes removed,
# the serial exactly the dump's state while updates keep arriving, files replaced
# by rename (no temporary file left, a failed dump changes nothing), errors named.
. tests/lib.sh

BCRYPT=$(mkpasswd -m bcrypt s3cret)
CONF="$WORK/irr.conf"
DUMPS="$WORK/dumps"
mkdir -p "$DUMPS"
write_config "$CONF" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "authlist.unallocated = allow" \
	"mail.sendmail = /bin/true" "dump.dir = $DUMPS"
cat >"$WORK/base.db" <<X
mntner:         MAINT-DUMP
descr:          test
admin-c:        DP1-JP
upd-to:         d@example.jp
auth:           BCRYPT-PW $BCRYPT
mnt-by:         MAINT-DUMP
source:         JPIRR

person:         Dump Person
address:        Tokyo
phone:          +81 3 0000 0000
nic-hdl:        DP1-JP
mnt-by:         MAINT-DUMP
source:         JPIRR
X
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/base.db" >/dev/null
"$BIN/irrctl" -c "$CONF" load --source RADB demo/radb.db >/dev/null
# one submitted object: one journal entry
submit_route() {
	printf 'route:          %s\ndescr:          burst\norigin:         AS64496\nmnt-by:         MAINT-DUMP\nsource:         JPIRR\npassword:       s3cret\n' "$1" |
		"$BIN/irrctl" -c "$CONF" submit >/dev/null 2>&1
}
submit_route 10.0.0.0/24
serial=$(sqlite3 "$WORK/irr.db" "SELECT max(serial) FROM journal j JOIN sources s ON s.id = j.source_id WHERE s.name = 'JPIRR'")

"$BIN/irrctl" -c "$CONF" export dump >"$WORK/out" 2>&1
check "irrctl export dump (dump.dir, our source): exit 0" test $? = 0
check "it says what it wrote" grep -q "^JPIRR: 3 objects .* at serial $serial in $DUMPS/jpirr.db.gz" "$WORK/out"
check "jpirr.db.gz is a gzip file with every object" test "$(gunzip -c "$DUMPS/jpirr.db.gz" | grep -c '^source:')" = 3
check "JPIRR.CURRENTSERIAL holds the journal's serial" test "$(cat "$DUMPS/JPIRR.CURRENTSERIAL")" = "$serial"
check "password hashes are removed" sh -c "gunzip -c '$DUMPS/jpirr.db.gz' | grep -q '^auth: *BCRYPT-PW # Filtered' && ! gunzip -c '$DUMPS/jpirr.db.gz' | grep -qF '$BCRYPT'"
check "one blank line after each object (a loader reads it back)" sh -c "gunzip -c '$DUMPS/jpirr.db.gz' >'$WORK/back.db' && test \$(grep -c '^\$' '$WORK/back.db') = 3"
check "the files can be read by everyone (web servers, rsync)" test "$(stat -c %a "$DUMPS/jpirr.db.gz")" = 644
check "no temporary file is left" test "$(ls "$DUMPS" | grep -c tmp)" = 0
write_config "$WORK/copy.conf" "$WORK/copy.db" COPY
check "the dump loads into another registry as it was" sh -c "'$BIN/irrctl' -c '$WORK/copy.conf' load --source JPIRR '$DUMPS/jpirr.db.gz' | grep -q 'loaded 3 objects, skipped 0'"

"$BIN/irrctl" -c "$CONF" export dump --source RADB --source JPIRR --dir "$WORK" >"$WORK/out" 2>&1
check "--source twice and --dir" sh -c "test -s '$WORK/radb.db.gz' && test -s '$WORK/RADB.CURRENTSERIAL' && test -s '$WORK/jpirr.db.gz'"
check "a loaded source's serial is the one its load recorded" \
	test "$(cat "$WORK/RADB.CURRENTSERIAL")" = "$(sqlite3 "$WORK/irr.db" "SELECT serial_newest FROM sources WHERE name = 'RADB'")"
"$BIN/irrctl" -c "$CONF" export dump --source NOPE >"$WORK/out" 2>&1
check "an unknown source: exit 1, named" sh -c "test $? = 1 && grep -q 'NOPE: no such source' '$WORK/out'"
cp "$DUMPS/jpirr.db.gz" "$WORK/before.gz"
"$BIN/irrctl" -c "$CONF" export dump --dir "$WORK/nowhere" >"$WORK/out" 2>&1
check "a directory that does not exist: exit 1, naming the file" sh -c "test $? = 1 && grep -q '$WORK/nowhere/jpirr.db.gz' '$WORK/out'"
chmod 555 "$DUMPS"
if [ "$(id -u)" != 0 ]; then
	"$BIN/irrctl" -c "$CONF" export dump >"$WORK/out" 2>&1
	check "an unwritable directory: exit 1, the old dump untouched" sh -c "test $? = 1 && cmp -s '$WORK/before.gz' '$DUMPS/jpirr.db.gz'"
else
	ok "# SKIP unwritable directory: running as root"
fi
chmod 755 "$DUMPS"

# While updates keep arriving, the serial is exactly the dump's state: the routes in
# the dump are those whose submission's serial is at most CURRENTSERIAL.
base=$serial
(for i in $(seq 1 60); do submit_route "10.1.$i.0/24"; done) &
writer=$!
agree=0
runs=0
while kill -0 $writer 2>/dev/null; do
	"$BIN/irrctl" -c "$CONF" export dump >/dev/null 2>&1 || break
	s=$(cat "$DUMPS/JPIRR.CURRENTSERIAL")
	n=$(gunzip -c "$DUMPS/jpirr.db.gz" | grep -c '^route: *10\.1\.')
	runs=$((runs + 1))
	[ "$n" = $((s - base)) ] && agree=$((agree + 1))
done
wait $writer
check "dumps taken during 60 updates: the serial matches the contents every time ($agree of $runs)" \
	sh -c "test $runs -gt 0 && test $agree = $runs"

# irrd's timer: a dump at start, then every dump.interval
rm -f "$DUMPS"/*
sed -i 's/^dump.interval = .*//' "$CONF"
echo "dump.interval = 1" >>"$CONF"
check "irrd starts with dump.dir and dump.interval = 1" start_irrd "$CONF" "$WORK/irrd.log"
i=0
while [ ! -s "$DUMPS/JPIRR.CURRENTSERIAL" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "irrd writes the dump at start" test -s "$DUMPS/jpirr.db.gz"
submit_route 10.2.0.0/24
i=0
while [ "$(cat "$DUMPS/JPIRR.CURRENTSERIAL")" -le "$((base + 60))" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "and again after a change, within the interval" test "$(cat "$DUMPS/JPIRR.CURRENTSERIAL")" = "$((base + 61))"
check "the job logs what it wrote" grep -q 'dump: JPIRR: 64 objects at serial' "$WORK/irrd.log"
stop_irrd "after the timed dumps" "$WORK/irrd.log"
