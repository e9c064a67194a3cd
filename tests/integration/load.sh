# irrctl load: demo data, gzip, per-object reports, duplicates, and the guarantees
# that an unreadable or corrupt file changes nothing and readers never see a mix;
# the guards against the wrong input (binary, mostly skipped, empty; issue 12 defect 13).
. tests/lib.sh

DB=$WORK/irr.db
CONF=$WORK/irr.conf
lacks() { ! grep -qF -- "$2" "$1"; }
write_config "$CONF" "$DB" JPIRR

"$BIN/irrctl" -c "$CONF" load --source JPIRR demo/jpirr.db >"$WORK/out" 2>&1
check "demo registry loads" test $? -eq 0
check "load summary line" contains "$WORK/out" "loaded 30 objects, skipped 0"
"$BIN/irrctl" -c "$CONF" show route 192.0.2.0/24AS64496 >"$WORK/show" 2>&1
check "loaded route retrievable" contains "$WORK/show" "descr:          Example Networks aggregate"

gzip -c demo/radb.db >"$WORK/radb.db.gz"
"$BIN/irrctl" -c "$CONF" load --source RADB "$WORK/radb.db.gz" >"$WORK/out" 2>&1
check "gzip dump loads into a second source" contains "$WORK/out" "loaded 6 objects, skipped 0"
check "second source does not disturb the first" test "$(count_objects "$DB" JPIRR)" -eq 30

# Bad objects are skipped one by one with file, line and reason; the rest loads.
cat >"$WORK/mixed.db" <<'RPSL'
route:          192.0.2.0/24
origin:         AS1
mnt-by:         MAINT-X
source:         TEST

route:          1.2.3.4/24
origin:         AS1
mnt-by:         MAINT-X
source:         TEST

route:          198.51.100.0/24
origin          AS2
source:         TEST

route:          203.0.113.0/24
origin:         AS3
mnt-by:         MAINT-X
source:         OTHER

bogus:          thing
source:         TEST

route:          192.0.2.0/24
origin:         AS1
descr:          the later duplicate
mnt-by:         MAINT-X
source:         TEST

route6:         2001:DB8::/32
origin:         AS1.10
mnt-by:         MAINT-X
source:         TEST
RPSL
# 4 of 7 objects skipped (57%) is more than the default --max-skipped of 10%.
"$BIN/irrctl" -c "$CONF" load --source TEST "$WORK/mixed.db" >"$WORK/out" 2>&1
check "defect 13: 57% skipped is refused by the default threshold" test $? -eq 1
check "defect 13: the refusal gives the counts and the threshold" \
	contains "$WORK/out" "refused: 4 of 7 objects were skipped (57.1%), more than the 10% allowed; 3 valid objects"
check "defect 13: the refusal says how to override" contains "$WORK/out" "raise --max-skipped PERCENT (now 10) or use --force"
check "defect 13: a refused load commits nothing (new source not created)" \
	test "$(sqlite3 "$DB" "SELECT count(*) FROM sources WHERE name = 'TEST'")" -eq 0
"$BIN/irrctl" -c "$CONF" load --source TEST --max-skipped 50 "$WORK/mixed.db" >"$WORK/out" 2>&1
check "defect 13: --max-skipped 50 still refuses 57%" test $? -eq 1
"$BIN/irrctl" -c "$CONF" load --source TEST --force "$WORK/mixed.db" >"$WORK/out" 2>&1
check "defect 13: --force loads despite the threshold" test $? -eq 0
check "defect 13: --force load counts" contains "$WORK/out" "loaded 2 objects, skipped 4"
"$BIN/irrctl" -c "$CONF" load --source TEST --max-skipped 60% "$WORK/mixed.db" >"$WORK/out" 2>&1
check "load with bad objects succeeds under --max-skipped 60%" test $? -eq 0
check "summary counts loaded and skipped" contains "$WORK/out" "loaded 2 objects, skipped 4"
check "host-bits route reported with file and line" contains "$WORK/out" "$WORK/mixed.db:6: skipped"
check "host-bits reason given" contains "$WORK/out" "host bits set"
check "missing colon reported with its line" contains "$WORK/out" "mixed.db:11: skipped: line 12: expected \"attribute: value\": no colon after the attribute name"
check "foreign source reported" contains "$WORK/out" "source OTHER does not match the source being loaded (TEST)"
check "unknown class reported" contains "$WORK/out" "unknown object class \"bogus\""
check "duplicate warned with the replaced object's line" contains "$WORK/out" "mixed.db:1: warning: duplicate route 192.0.2.0/24AS1"
"$BIN/irrctl" -c "$CONF" show --source TEST route 192.0.2.0/24AS1 >"$WORK/show" 2>&1
check "last duplicate wins" contains "$WORK/show" "the later duplicate"
"$BIN/irrctl" -c "$CONF" show --source TEST route6 2001:db8::/32AS65546 >"$WORK/show" 2>&1
check "asdot origin and upper-case IPv6 canonicalised" contains "$WORK/show" "origin:         AS65546"

# Defect 13: the wrong file must not empty a source. Each is refused with exit 1 and
# the source keeps every object it had.
before=$(count_objects "$DB" JPIRR)
printf '{\n  "route": "192.0.2.0/24",\n  "origin": "AS64496",\n  "source": "JPIRR"\n}\n' >"$WORK/dump.json"
: >"$WORK/empty-file.db"
# (not "name": check() in tests/lib.sh uses that variable)
for wrong in Makefile /bin/ls "$WORK/dump.json" "$WORK/empty-file.db"; do
	what=$(basename "$wrong")
	"$BIN/irrctl" -c "$CONF" load --source JPIRR "$wrong" >"$WORK/out" 2>&1
	check "defect 13: loading $what is refused (exit 1)" test $? -eq 1
	check "defect 13: loading $what leaves JPIRR unchanged ($before objects)" \
		test "$(count_objects "$DB" JPIRR)" -eq "$before"
	check "defect 13: loading $what says nothing was committed" \
		contains "$WORK/out" "nothing was committed; source JPIRR is unchanged"
	check "defect 13: loading $what does not claim success" lacks "$WORK/out" "loaded 0 objects"
done
"$BIN/irrctl" -c "$CONF" load --source JPIRR /bin/ls >"$WORK/out" 2>&1
check "defect 13: binary input has its own message" contains "$WORK/out" "/bin/ls:1: binary data (a NUL byte): this is not an RPSL dump"
"$BIN/irrctl" -c "$CONF" load --source JPIRR Makefile >"$WORK/out" 2>&1
check "defect 13: Makefile refused as all skipped and empty" \
	contains "$WORK/out" "more than the 10% allowed; 0 valid objects"
check "defect 13: the refusal points at --allow-empty" contains "$WORK/out" "to empty source JPIRR deliberately, use --allow-empty"
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/empty-file.db" >"$WORK/out" 2>&1
check "defect 13: an empty file is refused as empty" \
	contains "$WORK/out" "the input holds no valid object (0 skipped): loading it would empty source JPIRR"
"$BIN/irrctl" -c "$CONF" load --source JPIRR --force Makefile >"$WORK/out" 2>&1
check "defect 13: --force alone does not empty a source" test $? -eq 1
check "defect 13: --force alone leaves JPIRR unchanged" test "$(count_objects "$DB" JPIRR)" -eq "$before"
"$BIN/irrctl" -c "$CONF" load --source JPIRR --force /bin/ls >"$WORK/out" 2>&1
check "defect 13: --force skips binary objects as bad ones" contains "$WORK/out" "skipped: binary data (a NUL byte) in the object"
check "defect 13: --force on /bin/ls still leaves JPIRR unchanged" test "$(count_objects "$DB" JPIRR)" -eq "$before"
"$BIN/irrctl" -c "$CONF" load --source JPIRR --max-skipped 101 demo/jpirr.db >"$WORK/out" 2>&1
check "defect 13: --max-skipped above 100 is a usage error" test $? -eq 2
# A real dump with a few bad objects (1 of 31 = 3%) still loads by default.
{ cat demo/jpirr.db; printf '\nroute: 192.0.2.1/24\norigin: AS64496\nmnt-by: MAINT-X\nsource: JPIRR\n'; } >"$WORK/few-bad.db"
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/few-bad.db" >"$WORK/out" 2>&1
check "defect 13: a dump with a few bad objects still loads (exit 0)" test $? -eq 0
check "defect 13: a dump with a few bad objects: counts" contains "$WORK/out" "loaded 30 objects, skipped 1"
# Deliberately emptying a source takes --allow-empty.
"$BIN/irrctl" -c "$CONF" load --source RADB --allow-empty "$WORK/empty-file.db" >"$WORK/out" 2>&1
check "defect 13: --allow-empty empties a source on purpose" test $? -eq 0 -a "$(count_objects "$DB" RADB)" -eq 0
"$BIN/irrctl" -c "$CONF" load --source RADB "$WORK/radb.db.gz" >/dev/null 2>&1

# An unreadable file aborts the load before anything changes.
before=$(count_objects "$DB" JPIRR)
"$BIN/irrctl" -c "$CONF" load --source JPIRR demo/jpirr.db "$WORK/does-not-exist.db" >"$WORK/out" 2>&1
rc=$?
check "unreadable file: load fails" test $rc -eq 1
check "unreadable file: error names the file" contains "$WORK/out" "does-not-exist.db: cannot open"
check "unreadable file: source unchanged" test "$(count_objects "$DB" JPIRR)" -eq "$before"

# A gzip file corrupt halfway through is refused and the source keeps its data.
"$TESTBIN/gen_registry" -n 20000 -s JPIRR | gzip -c >"$WORK/big.gz"
size=$(stat -c %s "$WORK/big.gz")
cp "$WORK/big.gz" "$WORK/corrupt.gz"
printf 'garbage-garbage-garbage-garbage' | dd of="$WORK/corrupt.gz" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/corrupt.gz" >"$WORK/out" 2>&1
rc=$?
check "corrupt gzip: load refused" test $rc -eq 1
check "corrupt gzip: error says read error and the file" contains "$WORK/out" "corrupt.gz: read error"
check "corrupt gzip: source unchanged" test "$(count_objects "$DB" JPIRR)" -eq "$before"
head -c $((size / 2)) "$WORK/big.gz" >"$WORK/truncated.gz"
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/truncated.gz" >"$WORK/out" 2>&1
check "truncated gzip: load refused" test $? -eq 1
check "truncated gzip: source unchanged" test "$(count_objects "$DB" JPIRR)" -eq "$before"

# Readers see the old source or the new one, never a mix, while a reload runs.
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/big.gz" >"$WORK/out" 2>&1
new=$(count_objects "$DB" JPIRR)
in_dump=$(gzip -dc "$WORK/big.gz" | grep -c '^source:')
check "generated dump loads completely ($in_dump objects)" test "$new" -eq "$in_dump"
# (a source that shrinks this much needs --max-shrink: the guard against cut dumps)
"$BIN/irrctl" -c "$CONF" load --source JPIRR --max-shrink 100 demo/jpirr.db >/dev/null 2>&1 &
loader=$!
mixed=0
seen=""
while kill -0 $loader 2>/dev/null; do
	n=$(count_objects "$DB" JPIRR 2>/dev/null) || continue
	case "$n" in 30 | "$in_dump") seen="$seen $n" ;; *) mixed=1 ;; esac
done
wait $loader
for _ in 1 2 3; do
	n=$(count_objects "$DB" JPIRR)
	case "$n" in 30 | "$in_dump") seen="$seen $n" ;; *) mixed=1 ;; esac
done
check "concurrent reader saw only complete states ($(echo $seen | tr ' ' '\n' | sort -u | tr '\n' ' '))" test $mixed -eq 0
check "reload replaced the source" test "$(count_objects "$DB" JPIRR)" -eq 30
check "index rows follow the reload" test "$(sqlite3 "$DB" "SELECT count(*) FROM attr_index a JOIN sources s ON s.id = a.source_id WHERE s.name = 'JPIRR' AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = a.object_id)")" -eq 0

# Serial handling: an explicit serial is recorded.
"$BIN/irrctl" -c "$CONF" load --source RADB --serial 12345 demo/radb.db >/dev/null 2>&1
"$BIN/irrctl" -c "$CONF" sources >"$WORK/out" 2>&1
check "explicit --serial recorded" grep -qE '^RADB +0 +12345 ' "$WORK/out"

# A dump without objects (or without any prefix-indexed object) empties or fills the source cleanly.
printf '# nothing but a header\n%% and a remark\n' >"$WORK/empty.db"
"$BIN/irrctl" -c "$CONF" load --source EMPTYTEST "$WORK/empty.db" >"$WORK/out" 2>&1
check "a dump with no objects is refused without --allow-empty" test $? -eq 1
"$BIN/irrctl" -c "$CONF" load --source EMPTYTEST --allow-empty "$WORK/empty.db" >"$WORK/out" 2>&1
check "a dump with no objects loads with --allow-empty (0 objects)" contains "$WORK/out" "loaded 0 objects, skipped 0"
printf 'mntner: M-ONLY\nadmin-c: X1\nupd-to: a@b.c\nauth: NONE\nmnt-by: M-ONLY\nsource: EMPTYTEST\n' >"$WORK/noprefix.db"
"$BIN/irrctl" -c "$CONF" load --source EMPTYTEST "$WORK/noprefix.db" >"$WORK/out" 2>&1
check "a dump without prefix-indexed objects loads" contains "$WORK/out" "loaded 1 objects, skipped 0"

# A dump cut short in transfer must not replace a source (issue 12, outside review).
sed 's/^source: *JPIRR$/source:         SHRINK/' demo/jpirr.db >"$WORK/shrink.db"
"$BIN/irrctl" -c "$CONF" load --source SHRINK "$WORK/shrink.db" >/dev/null 2>&1
awk 'BEGIN { RS = ""; ORS = "\n\n" } NR <= 5' "$WORK/shrink.db" >"$WORK/cut.db"
"$BIN/irrctl" -c "$CONF" load --source SHRINK "$WORK/cut.db" >"$WORK/out" 2>&1
check "truncated dump: a load that would shrink the source by more than half is refused" test $? -eq 1
check "truncated dump: the refusal says so (verbatim)" contains "$WORK/out" "source SHRINK holds 30 objects and the input only 4 valid ones, a drop of 86.7%, more than the 50% allowed: the input may be cut short"
check "truncated dump: the source is unchanged" test "$(count_objects "$WORK/irr.db" SHRINK)" -eq 30
"$BIN/irrctl" -c "$CONF" load --source SHRINK --max-shrink 90 "$WORK/cut.db" >"$WORK/out" 2>&1
check "truncated dump: --max-shrink 90 lets it through" test "$(count_objects "$WORK/irr.db" SHRINK)" -eq 4

# Usage errors exit 2.
"$BIN/irrctl" -c "$CONF" load demo/jpirr.db >/dev/null 2>&1
check "load without --source: exit 2" test $? -eq 2
"$BIN/irrctl" -c "$CONF" frobnicate >/dev/null 2>&1
check "unknown command: exit 2" test $? -eq 2
"$BIN/irrctl" load --source X demo/jpirr.db >/dev/null 2>&1
check "missing -c: exit 2" test $? -eq 2
