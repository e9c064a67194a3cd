#!/bin/sh
# Part of `make bench`: the mail gateway on the loaded registry. Sets up our CA, a
# maintainer and its object registrant certificate, signs N route messages with
# openssl smime, then delivers them to irr-mailgate (one process per message, as
# Postfix's pipe transport runs it): two at a time for the rate, then one at a time
# with the time until whois (irrd on WHOIS_PORT) shows each route.
#   sh tests/bench/bench-mail.sh BUILD BENCH_DIR WHOIS_PORT
set -eu
BUILD=$1 dir=$2 port=$3
N=${BENCH_MAILS:-1000}
GATE="$(pwd)/$BUILD/bin/irr-mailgate"
m="$dir/mail"
rm -rf "$m"
mkdir -p "$m/msgs" "$m/msgs2"
cat >"$m/mail.conf" <<X
database = $(pwd)/$dir/bench.sqlite
source = BENCH
ca.dir = $(pwd)/$m/ca
mail.sendmail = cat >/dev/null
mail.from = auto-dbm@registry.example
mail.gateway_certificate = $(pwd)/$m/gw.pem
mail.gateway_key = $(pwd)/$m/gw.key
mail.spool_dir = $(pwd)/$m/spool
log.level = warning
authlist.unallocated = allow
X
irrctl() { "$BUILD/bin/irrctl" -c "$m/mail.conf" "$@"; }
irrctl ca init >/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$m/gw.key" -out "$m/gw.csr" -subj /CN=x 2>/dev/null
irrctl ca issue --role gateway --holder bench --email auto-dbm@registry.example --csr "$m/gw.csr" |
	sed -n '/BEGIN CERT/,/END CERT/p' >"$m/gw.pem"
hash=$(mkpasswd -m bcrypt -R 4 bench)
irrctl submit >"$m/setup.out" <<X || { cat "$m/setup.out"; exit 1; }
person:         Mail Bench
address:        Tokyo
phone:          +81 3 0000 0000
nic-hdl:        MB1-BENCH
mnt-by:         MAINT-MAIL-BENCH
source:         BENCH

mntner:         MAINT-MAIL-BENCH
admin-c:        MB1-BENCH
upd-to:         bench@example.jp
auth:           BCRYPT-PW $hash
mnt-by:         MAINT-MAIL-BENCH
source:         BENCH

inetnum:        100.128.0.0 - 100.191.255.255
netname:        MAIL-BENCH
country:        JP
admin-c:        MB1-BENCH
tech-c:         MB1-BENCH
status:         ALLOCATED PA
mnt-by:         MAINT-MAIL-BENCH
source:         BENCH

password: bench
X
# the registrant certificate names the maintainer and person just created (the CA refuses others)
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$m/reg.key" -out "$m/reg.csr" -subj /CN=x 2>/dev/null
irrctl ca issue --role registrant --mntner MAINT-MAIL-BENCH --holder MB1-BENCH --email bench@example.jp --csr "$m/reg.csr" |
	sed -n '/BEGIN CERT/,/END CERT/p' >"$m/reg.pem"
# sign BATCH FIRST: N messages, route i in 100.(128+BATCH*32+i/256).(i%256).0/24 from AS(FIRST+i)
sign() {
	i=0
	while [ $i -lt "$N" ]; do
		f=$(printf '%s/msg-%05u.eml' "$3" $i)
		{ printf 'From: bench@example.jp\nTo: auto-dbm@registry.example\nSubject: route %u\nMessage-ID: <bench-%s-%u@example.jp>\n' $i "$1" $i
		  printf 'Content-Type: text/plain\n\nroute:          100.%u.%u.0/24\ndescr:          mail benchmark\norigin:         AS%u\nmnt-by:         MAINT-MAIL-BENCH\nsource:         BENCH\n' \
			$((128 + $1 * 32 + i / 256)) $((i % 256)) $(($2 + i)) | openssl smime -sign -signer "$m/reg.pem" -inkey "$m/reg.key"
		} >"$f"
		i=$((i + 1))
	done
}
start=$(date +%s)
sign 0 4200100000 "$m/msgs"
sign 1 4200200000 "$m/msgs2"
echo "signed $((2 * N)) messages with openssl smime in $(($(date +%s) - start)) s"
"$BUILD/tests/bench_mail" -g "$GATE" -c "$m/mail.conf" -d "$m/msgs" -n "$N" -j 2
"$BUILD/tests/bench_mail" -g "$GATE" -c "$m/mail.conf" -d "$m/msgs2" -n "$N" -p "$port" -f 4200200000
/usr/bin/time -f '%e s, peak RSS %M KiB' "$GATE" -c "$m/mail.conf" -f bench@example.jp <"$m/msgs/msg-00000.eml" 2>&1 | tail -n 1 |
	sed 's/^/one replayed message (refused): /'
