# Misuse: thousands of connections, a client that never sends a newline, a 1 MB
# query line, NUL bytes, unknown flags, per-address limits, a set too large to
# expand. Each is answered or dropped as docs/whois.md says, and the server keeps
# answering others.
. tests/lib.sh

write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" \
	"whois.idle_timeout = 2" "whois.max_connections_per_address = 3000"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR demo/jpirr.db >/dev/null 2>&1
check "irrd starts" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"

still_answers() {
	[ "$(whois_raw '!gAS64497\n')" = "$(printf 'A16\n198.51.100.0/24\nC')" ]
}

"$TESTBIN/whois_load" -p "$PORT" -n 2000 -q '!gAS64496' hold >"$WORK/load.out" 2>&1
check "2,000 simultaneous connections all answered ($(cat "$WORK/load.out"))" \
	grep -q "connected 2000 answered 2000 refused 0 failed 0" "$WORK/load.out"
check "server answers after the 2,000 connections" still_answers

# A client that never sends a newline is closed after the idle timeout (2 s here)
# and does not hold up anyone else meanwhile.
start=$(date +%s)
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; printf "!gAS64496" >&3; timeout 10 cat <&3 >/dev/null' &
stalled=$!
sleep 0.3
check "others are answered while a client stalls without a newline" still_answers
wait $stalled
check "the stalled client is closed by the idle timeout" test $(($(date +%s) - start)) -le 6

# Issue 14 review: a 16,384-byte line is accepted however TCP splits it, also when
# its CR and LF come in separate reads (the CR was counted as a 16,385th byte).
long=$(printf '!iAS-%016379d' 0 | tr 0 X)
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; printf "!!\n%s\r" "$1" >&3; sleep 0.3; printf "\n!q\n" >&3; timeout 5 cat <&3' _ "$long" >"$WORK/got" 2>/dev/null
check "16,384-byte line, CR and LF in separate reads: run, not refused" grep -q '^F Invalid set query' "$WORK/got"
# Empty lines are not activity: a client sending one every half second is still
# closed at the idle timeout (2 s here).
start=$(date +%s)
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; printf "!!\n" >&3; for i in $(seq 16); do printf "\n" >&3 2>/dev/null || exit 0; sleep 0.5; done' 2>/dev/null
check "empty lines do not keep a connection past the idle timeout (closed after $(($(date +%s) - start)) s)" \
	test $(($(date +%s) - start)) -le 6

# A 1 MB line: answered with an error in the client's dialect, then closed.
head -c 1048576 /dev/zero | tr '\0' 'A' >"$WORK/big"
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; cat "$1" >&3 2>/dev/null; printf "\n" >&3 2>/dev/null; timeout 10 cat <&3' _ "$WORK/big" >"$WORK/got" 2>/dev/null
check "1 MB RIPE-style line: error answer" grep -q '^%% ERROR: query too long' "$WORK/got"
{ printf '!'; cat "$WORK/big"; } >"$WORK/bigirr"
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; cat "$1" >&3 2>/dev/null; timeout 10 cat <&3' _ "$WORK/bigirr" >"$WORK/got" 2>/dev/null
check "1 MB !-line: F answer" grep -q '^F Query too long' "$WORK/got"
check "server answers after the 1 MB lines" still_answers

check "NUL byte in a ! command" test "$(whois_raw '!g\000AS64496\n')" = "F Query contains a NUL byte"
whois_raw 'AS64496\000\n' >"$WORK/got"
check "NUL byte in a RIPE query" grep -q '^%% ERROR: query contains a NUL byte' "$WORK/got"
whois_raw '-Z AS64496\n' >"$WORK/got"
check "unknown flag" grep -q '^%% ERROR: invalid option -Z' "$WORK/got"
whois_raw '-i frobnicate x\n' >"$WORK/got"
check "inverse query on a non-inverse attribute" grep -q '^%% ERROR: attribute frobnicate is not an inverse key' "$WORK/got"
whois_raw '-T\n' >"$WORK/got"
check "flag missing its argument" grep -q '^%% ERROR: flag -T needs an argument' "$WORK/got"
head -c 4096 /dev/urandom >"$WORK/garbage"
bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; cat "$1" >&3 2>/dev/null; printf "\n" >&3; timeout 5 cat <&3 >/dev/null' _ "$WORK/garbage" 2>/dev/null
check "server answers after random garbage" still_answers

# A set that expands past the limit is refused with F, not expanded into memory.
awk 'BEGIN {
	print "as-set: AS-HUGE"; printf "members: ";
	for (s = 0; s < 8; s++) printf "%sAS-HUGE-%d", (s ? ", " : ""), s;
	print "\nadmin-c: X\ntech-c: X\nmnt-by: M\nsource: JPIRR\n";
	for (s = 0; s < 8; s++) {
		print "as-set: AS-HUGE-" s; printf "members: AS%d", 1000000 + s * 300000;
		for (i = 1; i < 300000; i++) printf ",\n AS%d", 1000000 + s * 300000 + i;
		print "\nadmin-c: X\ntech-c: X\nmnt-by: M\nsource: JPIRR\n"
	}
}' >"$WORK/huge.db"
cat demo/jpirr.db >>"$WORK/huge.db"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR "$WORK/huge.db" >"$WORK/load.out" 2>&1
check "sets with 2.4 million members load" grep -q "skipped 0" "$WORK/load.out"
whois_raw '!iAS-HUGE,1\n' >"$WORK/got"
check "expansion past 2,000,000 members answers F" grep -q '^F set expands to more than 2,000,000 AS numbers' "$WORK/got"
check "server answers after the huge set" still_answers

# Per-address limit: the connection over the limit is refused with a message.
write_config "$WORK/limit.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" \
	"whois.max_connections_per_address = 5"
saved_port=$PORT
saved_pid=$IRRD_PID
check "second irrd with a per-address limit of 5 starts" start_irrd "$WORK/limit.conf" "$WORK/limit.log"
"$TESTBIN/whois_load" -p "$PORT" -n 8 -q '!v' hold >"$WORK/load.out" 2>&1
check "connections over the per-address limit are refused ($(cat "$WORK/load.out"))" \
	grep -q "answered 5 refused 3" "$WORK/load.out"
stop_irrd "after the per-address limit test" "$WORK/limit.log"
PORT=$saved_port
check "first server still answers" still_answers
IRRD_PID=$saved_pid
stop_irrd "after the misuse tests" "$WORK/irrd.log"
