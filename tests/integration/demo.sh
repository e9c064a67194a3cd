# make run's script: it loads the demo registry, starts irrd, and every example
# command it prints answers.
. tests/lib.sh

BUILD=${BUILD:-build/san}
WHOIS_LISTEN=127.0.0.1:0 sh demo/run-demo.sh "$BUILD" >"$WORK/demo.out" 2>&1 &
PIDS="$PIDS $!"
i=0
while ! contains "$WORK/demo.out" "ready" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "demo: JPIRR loaded" contains "$WORK/demo.out" "loaded 30 objects, skipped 0"
check "demo: RADB loaded" contains "$WORK/demo.out" "loaded 6 objects, skipped 0"
check "demo: irrd ready" contains "$WORK/demo.out" "ready"
port=$(sed -n 's/.*whois: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/demo.out" | head -n 1)
# The printed examples name the default port; the test server runs on a free one.
grep "^  $BUILD/bin/\|^  sqlite3 \|^  whois \|^  bgpq4 " "$WORK/demo.out" | sed 's/^  //' |
	sed "s/127\.0\.0\.1 -p 4343/127.0.0.1 -p $port/; s/127\.0\.0\.1:4343/127.0.0.1:$port/" >"$WORK/commands"
check "demo: prints example commands, whois and bgpq4 among them" test "$(grep -c '^whois\|^bgpq4' "$WORK/commands")" -ge 4
n=0
while IFS= read -r cmd; do
	n=$((n + 1))
	sh -c "$cmd" >"$WORK/cmd.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ -s "$WORK/cmd.out" ]; then ok "demo example $n answers: $cmd"; else not_ok "demo example $n: $cmd (exit $rc)"; fi
done <"$WORK/commands"
check "demo: origin example finds the three AS64496 routes" test "$(sh -c "$(grep '^sqlite3' "$WORK/commands")" | wc -l)" -eq 3
