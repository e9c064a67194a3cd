#!/bin/sh
# make bench, "RPKI over RTR": irrd follows stayrtr serving the VRPs bench_rov wrote
# (DIR/vrps.json); once the first sync is in force, the cache's file is replaced by
# DIR/vrps-changed.json (about 1,000 VRPs with new AS numbers: as many withdrawals
# and announcements) and the script times until whois answers with a changed VRP
# (the pseudo-source RPKI's !g). irrd's log says how long applying the delta took;
# the total adds stayrtr's reload of its file (every second) and the RTR exchange.
#   tests/bench/rpki-rtr-bench.sh DIR      (after bench_rov -j DIR/vrps.json -J DIR/vrps-changed.json)
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
dir=$(realpath "$1")
command -v stayrtr >/dev/null 2>&1 || { echo "stayrtr is not installed: skipped"; exit 0; }
changed=$(sed -n 's/^changed: //p' "$dir/rov.out" | head -n 1)
[ -n "$changed" ] || { echo "no changed VRP named in $dir/rov.out: run bench_rov with -J"; exit 1; }
prefix=${changed% *}
asn=${changed#* }
free_port() {
	while :; do
		p=$(shuf -i 20000-60000 -n 1)
		ss -ltnH "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}
cp "$dir/vrps.json" "$dir/rtr-cache.json"
port=$(free_port)
stayrtr -bind "127.0.0.1:$port" -cache "$dir/rtr-cache.json" -refresh 1 -checktime=false -metrics.addr "" \
	>"$dir/stayrtr.log" 2>&1 &
cache=$!
printf 'database = bench.sqlite\nsource = BENCH\nwhois.listen = 127.0.0.1:0\nrpki.rtr_cache = 127.0.0.1:%s\nrpki.refresh_interval = 1\n' \
	"$port" >"$dir/rtr.conf"
start=$(date +%s%N)
"$BUILD/bin/irrd" -c "$dir/rtr.conf" >"$dir/rtr.log" 2>&1 &
irrd=$!
trap 'kill $irrd $cache 2>/dev/null; wait 2>/dev/null' EXIT
i=0
while ! grep -q 'VRPs in force from the RPKI cache' "$dir/rtr.log" && [ $i -lt 1800 ]; do sleep 0.1; i=$((i + 1)); done
echo "first sync: $(grep -m1 'VRPs in force from the RPKI cache' "$dir/rtr.log" | sed 's/.*RPKI: //') after $((($(date +%s%N) - start) / 1000000)) ms from irrd's start"
wport=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/rtr.log" | head -n 1)
ask() { bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$wport"'; printf "!!\n!sRPKI\n!g%s\n!q\n" "$1" >&3; timeout 5 cat <&3' _ "$1"; }
cp "$dir/vrps-changed.json" "$dir/rtr-cache.json.new"
start=$(date +%s%N)
mv "$dir/rtr-cache.json.new" "$dir/rtr-cache.json"
i=0
while ! ask "$asn" | grep -q "$prefix" && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
total=$((($(date +%s%N) - start) / 1000000))
delta=$(grep 'VRPs in force from the RPKI cache' "$dir/rtr.log" | tail -n 1 | sed 's/.*RPKI: //')
echo "changed VRP $prefix $asn answered by whois $total ms after the cache's file was replaced"
echo "irrd: $delta"
