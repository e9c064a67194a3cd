#!/bin/sh
# `make run`: builds a fresh demo database from demo/*.db and runs irrd in the
# foreground on it (Ctrl-C stops it). Usage: sh demo/run-demo.sh BUILD_DIR
# WHOIS_LISTEN overrides the whois address (tests use 127.0.0.1:0, a free port).
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$build/bin
dir=$build/demo
mkdir -p "$dir"
rm -f "$dir/routereg.db" "$dir/routereg.db-wal" "$dir/routereg.db-shm"
cat >"$dir/demo.conf" <<CONF
# Demo configuration written by demo/run-demo.sh; see docs/configuration.md.
database = routereg.db
source = JPIRR
whois.listen = ${WHOIS_LISTEN:-127.0.0.1:4343}
log.level = info
CONF
"$bin/irrctl" -c "$dir/demo.conf" load --source JPIRR demo/jpirr.db
"$bin/irrctl" -c "$dir/demo.conf" load --source RADB demo/radb.db
conf=$dir/demo.conf
# Allocation data and an authorisation list (docs/authlist.md): one LIR holding the
# demo's space, and entries for the two maintainers whose routes live there.
"$bin/irrctl" -c "$conf" lir add --id A0001 --name "Example Networks LIR" --email hostmaster@example.jp \
	--opaque-id A91DEMO1 >/dev/null
"$bin/irrctl" -c "$conf" alloc load --format delegated demo/delegated.txt | tail -n 1
"$bin/irrctl" -c "$conf" authlist add --as-lir A0001 --user demo --prefix 192.0.2.0/24 --action allow \
	--mntner MAINT-EXAMPLE-JP --origins AS64496 >/dev/null
"$bin/irrctl" -c "$conf" authlist add --as-lir A0001 --user demo --prefix 198.51.100.0/24 --action allow \
	--mntner MAINT-SAMPLE-JP --origins AS64497 >/dev/null
"$bin/irrctl" -c "$conf" authlist add --as-lir A0001 --user demo --prefix 198.51.100.0/25 --action allow \
	--mntner MAINT-EXAMPLE-JP --origins AS64496 >/dev/null
"$bin/irrctl" -c "$conf" authlist add --as-lir A0001 --user demo --prefix 2001:db8:1000::/36 --action allow \
	--mntner MAINT-EXAMPLE-JP >/dev/null
cat <<TEXT

Demo registry loaded into $dir/routereg.db (sources JPIRR and RADB).
Try, in another terminal:
  whois -h 127.0.0.1 -p 4343 -- '-r -T route 192.0.2.0/24'
  whois -h 127.0.0.1 -p 4343 AS64496
  bgpq4 -h 127.0.0.1:4343 -p -4 -A AS-EXAMPLE
  bgpq4 -h 127.0.0.1:4343 -p -f 64496 AS-EXAMPLE
  bgpq4 -h 127.0.0.1:4343 -p -6 AS-EXAMPLE
  $bin/irrctl -c $conf sources
  $bin/irrctl -c $conf show route 192.0.2.0/24AS64496
  $bin/irrctl -c $conf show as-set AS64496:AS-CUSTOMERS
  $bin/irrctl -c $conf show --source RADB route6 2001:db8:f000::/36AS64511
  $bin/irrctl -c $conf alloc list --lir A0001
  $bin/irrctl -c $conf authlist list --as-lir A0001 --sort prefix
  $bin/irrctl -c $conf authlist check
  sqlite3 $dir/routereg.db "SELECT o.pkey FROM attr_index a JOIN objects o ON o.id = a.object_id WHERE a.attr = 'origin' AND a.value = 'AS64496'"
(bgpq4 needs -p for the documentation AS numbers the demo uses.)
Starting irrd now; Ctrl-C stops it.

TEXT
exec "$bin/irrd" -c "$conf"
