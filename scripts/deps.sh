#!/bin/sh
# Installs the Debian packages routereg needs to build, test and run, when missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -eu

PACKAGES="make gcc binutils procps libc6-dev pkg-config libsqlite3-dev zlib1g-dev libcrypt-dev libgpgme-dev libssl-dev libjansson-dev gpg gpg-agent openssl sqlite3 gzip time bash bgpq4 bgpq3 whois"
# The mail gateway: GMime for MIME; the tests sign with gpgsm, move mail through
# Postfix (swaks sends, msmtp submits the replies), and make old signatures with faketime.
PACKAGES="$PACKAGES libgmime-3.0-dev gpgsm postfix swaks msmtp faketime"
# RPKI over RTR: RTRlib for the client; the tests serve rpki-client's JSON with
# stayrtr and cross-check the VRP set with RTRlib's own rtrclient (rtr-tools).
PACKAGES="$PACKAGES librtr-dev rtr-tools stayrtr"
# Filter export: the generated prefix sets are checked by the daemons that read them
# (bird -p, bgpd -n); the JSON output is read back with jq.
PACKAGES="$PACKAGES bird2 openbgpd jq"
# Mirroring: libcurl fetches upstream dumps (http, https, ftp); the tests serve them with
# python3's http.server.
PACKAGES="$PACKAGES libcurl4-openssl-dev python3"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Postfix must not configure or start a system mail server: the tests run their own instance.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
else
	echo "deps: missing packages:$missing"
	echo "deps: run as root: apt-get update && apt-get install -y --no-install-recommends$missing"
	exit 1
fi
