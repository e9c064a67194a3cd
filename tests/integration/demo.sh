# make run's script: it loads the demo registry, starts irrd, and every example
# command it prints answers.
. tests/lib.sh

BUILD=${BUILD:-build/san}
sh demo/run-demo.sh "$BUILD" >"$WORK/demo.out" 2>&1 &
PIDS="$PIDS $!"
i=0
while ! contains "$WORK/demo.out" "ready" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "demo: JPIRR loaded" contains "$WORK/demo.out" "loaded 30 objects, skipped 0"
check "demo: RADB loaded" contains "$WORK/demo.out" "loaded 6 objects, skipped 0"
check "demo: irrd ready" contains "$WORK/demo.out" "ready"
grep "^  $BUILD/bin/\|^  sqlite3 " "$WORK/demo.out" | sed 's/^  //' >"$WORK/commands"
check "demo: prints example commands" test "$(wc -l <"$WORK/commands")" -ge 5
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	sh -c "$cmd" >"$WORK/cmd.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ -s "$WORK/cmd.out" ]; then ok "demo example $n answers: $cmd"; else not_ok "demo example $n: $cmd (exit $rc)"; fi
done <"$WORK/commands"
check "demo: origin example finds the three AS64496 routes" test "$(sh -c "$(grep '^sqlite3' "$WORK/commands")" | wc -l)" -eq 3
