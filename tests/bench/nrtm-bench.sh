#!/bin/sh
# NRTM speed (issue 16): a mirror applying N changes from an upstream (a canned
# NRTMv3 answer made from the bench dump, served by tests/tools/fake_nrtm.py), then
# the mirror serving the same N-change journal range with -g.
#   tests/bench/nrtm-bench.sh DUMP [N]     (N default 1000000)
# Prints changes/s for both (targets: apply >= 20,000/s, serve >= 50,000/s).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
dump=$(realpath "$1")
n=${2:-1000000}
dir=$(realpath "$BUILD")/bench/nrtm
rm -rf "$dir"
mkdir -p "$dir"
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; wait 2>/dev/null' EXIT

# The dump's first N objects as one NRTMv3 block of ADDs, serials 2..N+1
awk -v limit="$n" -v out="$dir/stream.txt" '
	BEGIN { RS = ""; count = 0 }
	/^[#%]/ { next }
	count < limit { body[count++] = $0 }
	END {
		printf "%%START Version: 3 BENCH 2-%d\n", count + 1 > out
		for (i = 0; i < count; i++)
			printf "\nADD %d\n\n%s\n", i + 2, body[i] > out
		printf "\n%%END BENCH\n" > out
	}' "$dump"
printf 'mntner:         MAINT-SEED\ndescr:          seed\nadmin-c:        SEED-BENCH\nupd-to:         a@example.net\nauth:           MAIL-FROM a@example.net\nmnt-by:         MAINT-SEED\nsource:         BENCH\n' |
	gzip >"$dir/bench.db.gz"
echo 1 >"$dir/BENCH.CURRENTSERIAL"
python3 tests/tools/fake_nrtm.py "$dir/stream.txt" >"$dir/port" &
pids="$pids $!"
i=0
while [ ! -s "$dir/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
cat >"$dir/mirror.conf" <<CONF
database = mirror.db
source = LOCAL
whois.listen = 127.0.0.1:0
nrtm.access = 127.0.0.0/8
mirror.BENCH.nrtm = 127.0.0.1:$(cat "$dir/port")
mirror.BENCH.dump = bench.db.gz
mirror.BENCH.serial = BENCH.CURRENTSERIAL
CONF
start=$(date +%s%N)
/usr/bin/time -f '%M' -o "$dir/rss" "$BUILD/bin/irrd" --run-job mirror -c "$dir/mirror.conf" >"$dir/apply.log" 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
applied=$(sed -n 's/.*, \([0-9]*\) changes applied.*/\1/p' "$dir/apply.log")
echo "apply: $applied changes in $ms ms = $((applied * 1000 / ms)) changes/s (one transaction per block; peak RSS $(($(cat "$dir/rss") / 1024)) MiB)"
"$BUILD/bin/irrd" -c "$dir/mirror.conf" >"$dir/irrd.log" 2>&1 &
pids="$pids $!"
i=0
while ! grep -q ready "$dir/irrd.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/irrd.log" | head -n 1)
for run in 1 2 3; do
	start=$(date +%s%N)
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; printf -- '-g BENCH:3:2-LAST\n' >&3; cat <&3" >"$dir/served.txt"
	ms=$((($(date +%s%N) - start) / 1000000))
	served=$(grep -c '^ADD ' "$dir/served.txt")
	echo "serve, run $run: $served changes ($(($(stat -c %s "$dir/served.txt") / 1048576)) MiB) in $ms ms = $((served * 1000 / (ms > 0 ? ms : 1))) changes/s"
done
