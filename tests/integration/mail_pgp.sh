# The mail gateway with PGP made by gpg: inline clear-signed text (gpg --clearsign)
# and PGP/MIME built around gpg --detach-sign (RFC 3156), each with a route the
# engine accepts and one it refuses, the reply checked with openssl cms -verify.
# Then the PGP refusals: unknown key, altered text, an old signature, a replay, and
# a clear-signed ISO-2022-JP text converted to UTF-8 after verification.
. tests/lib.sh
. tests/mail_setup.sh

export GNUPGHOME="$WORK/gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill all >/dev/null 2>&1; cleanup_processes; rm -rf "$WORK"' EXIT
# keys made a day ago, so signatures dated two hours back are still younger than the key
newkey() {
	faketime -f "-1d" gpg --batch --pinentry-mode loopback --passphrase '' --quick-gen-key "$1" ed25519 sign never >/dev/null 2>&1
	gpg --batch --with-colons --list-keys "$1" | awk -F: '$1 == "fpr" { print $10; exit }'
}
ALICE=$(newkey 'Taro Yamada <taro@example.jp>')
MALLORY=$(newkey 'Mallory <mallory@example.net>')
A8=$(echo "$ALICE" | cut -c33-40)
check "gpg made the keys" test ${#ALICE} -eq 40 -a ${#MALLORY} -eq 40
pgp_maint_a "$ALICE"
check "key-cert and maintainer with PGPKEY set up" grep -q "Modify SUCCEEDED: \[mntner\] MAINT-A" "$WORK/kc.report"
GPG="gpg --batch --pinentry-mode loopback --passphrase ''"

# clearsigned ID PREFIX MNTNER [gpg options]
clearsigned() {
	id=$1 pfx=$2 mnt=$3
	shift 3
	route "$pfx" "$mnt" >"$WORK/$id.txt"
	{ headers "$id" "route $pfx"; printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
	  gpg --batch --pinentry-mode loopback --passphrase '' -u "${SIGNER:-$ALICE}" "$@" --clearsign -o - "$WORK/$id.txt"; } >"$WORK/$id.eml"
}
# pgpmime ID PREFIX MNTNER: multipart/signed; protocol=application/pgp-signature
pgpmime() {
	id=$1 pfx=$2 mnt=$3 b=pgpmimeboundary7
	entity "$pfx" "$mnt" | crlf >"$WORK/$id.body"
	gpg --batch --pinentry-mode loopback --passphrase '' -u "$ALICE" --armor --detach-sign -o "$WORK/$id.asc" "$WORK/$id.body"
	{ headers "$id" "route $pfx"
	  printf 'MIME-Version: 1.0\nContent-Type: multipart/signed; micalg=pgp-sha512; protocol="application/pgp-signature"; boundary="%s"\n\n' $b
	  printf -- '--%s\n' $b; cat "$WORK/$id.body"
	  printf '\n--%s\nContent-Type: application/pgp-signature; name="signature.asc"\n\n' $b
	  cat "$WORK/$id.asc"; printf -- '--%s--\n' $b; } | tr -d '\r' >"$WORK/$id.eml"
}

clearsigned clear-ok 192.0.40.0/24 MAINT-A
check "gpg --clearsign made a clear-signed text" grep -q -- "-----BEGIN PGP SIGNED MESSAGE-----" "$WORK/clear-ok.eml"
deliver "$WORK/clear-ok.eml"
check "clear-signed: exit 0" rc_is 0
check "clear-signed: route created" has_route 192.0.40.0/24AS64500
check "clear-signed: SUCCESS" subject_is "SUCCESS: route 192.0.40.0/24"
check "clear-signed: reply signed (openssl cms -verify)" reply_verifies
check "clear-signed: the report names the creation" replied "Create SUCCEEDED: [route] 192.0.40.0/24AS64500"
clearsigned clear-b 198.51.40.0/24 MAINT-B
deliver "$WORK/clear-b.eml"
check "clear-signed, A's key on B's object: FAILED" subject_is "FAILED: route 198.51.40.0/24"
check "clear-signed, A on B: the reason" replied "not authenticated by: MAINT-B"
check "clear-signed, A on B: reply signed" reply_verifies

pgpmime mime-ok 192.0.41.0/24 MAINT-A
deliver "$WORK/mime-ok.eml"
check "PGP/MIME: route created" has_route 192.0.41.0/24AS64500
check "PGP/MIME: SUCCESS, reply signed" sh -c "grep -qx 'Subject: SUCCESS: route 192.0.41.0/24' $WORK/reply && grep -q 'CMS Verification successful' $WORK/verify.log"
pgpmime mime-b 198.51.41.0/24 MAINT-B
deliver "$WORK/mime-b.eml"
check "PGP/MIME, A on B: refused with the reason" replied "not authenticated by: MAINT-B"
check "PGP/MIME, A on B: FAILED" subject_is "FAILED: route 198.51.41.0/24"
audit=$(sqlite3 "$WORK/irr.db" "SELECT identity FROM audit WHERE origin LIKE '%<mime-ok@%'")
check "audit: the PGP signer" test "$audit" = "PGP key PGPKEY-$A8 (fingerprint $ALICE)"

before=$(objects)
refused() {
	check "$1: refused (verbatim)" replied "$2"
	check "$1: FAILED and signed" sh -c "grep -q '^Subject: FAILED' $WORK/reply && grep -q 'CMS Verification successful' $WORK/verify.log"
	check "$1: database unchanged" test "$(objects)" = "$before"
}
SIGNER=$MALLORY clearsigned mallory 192.0.42.0/24 MAINT-A
deliver "$WORK/mallory.eml"
refused "a key in no key-cert" "***Error:   The PGP signature authenticates nobody (see the warning above)"
check "unknown key: the warning names the key" replied "***Warning: The text is signed with PGP key"

clearsigned altered 192.0.43.0/24 MAINT-A
sed -i 's/^descr:          by mail/descr:          by maiL/' "$WORK/altered.eml"
deliver "$WORK/altered.eml"
refused "clear-signed text altered" "***Error:   The PGP signature does not verify: the text was changed after it was signed"
pgpmime mime-altered 192.0.43.0/24 MAINT-A
sed -i 's/^origin:         AS64500/origin:         AS64501/' "$WORK/mime-altered.eml"
deliver "$WORK/mime-altered.eml"
refused "PGP/MIME part altered" "***Error:   The PGP signature does not verify: the text was changed after it was signed"

route 192.0.44.0/24 MAINT-A >"$WORK/old.txt"
{ headers old "old"; printf 'Content-Type: text/plain\n\n'
  faketime -f "-2h" gpg --batch --pinentry-mode loopback --passphrase '' -u "$ALICE" --clearsign -o - "$WORK/old.txt"; } >"$WORK/old.eml"
deliver "$WORK/old.eml"
refused "PGP signature two hours old" "more than 3600 seconds before it arrived"

clearsigned replay 192.0.45.0/24 MAINT-A
deliver "$WORK/replay.eml"
check "PGP replay: first delivery applied" has_route 192.0.45.0/24AS64500
before=$(objects)
deliver "$WORK/replay.eml"
refused "the same clear-signed message again" "***Error:   This signed message was already processed ("

# Japanese mailers send ISO-2022-JP; the signature is over those bytes, the registry keeps UTF-8.
route 192.0.46.0/24 MAINT-A "東京都千代田区 本社" | iconv -f UTF-8 -t ISO-2022-JP >"$WORK/jis.txt"
{ headers jis "=?ISO-2022-JP?B?GyRCJU0lQyVIJW8hPCUvGyhC?="; printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-2022-JP\nContent-Transfer-Encoding: 7bit\n\n'
  gpg --batch --pinentry-mode loopback --passphrase '' -u "$ALICE" --clearsign -o - "$WORK/jis.txt"; } >"$WORK/jis.eml"
deliver "$WORK/jis.eml"
check "clear-signed ISO-2022-JP: created" has_route 192.0.46.0/24AS64500
check "clear-signed ISO-2022-JP: stored as UTF-8" sh -c "$BIN/irrctl -c $CONF show route 192.0.46.0/24AS64500 | grep -qx 'descr:          東京都千代田区 本社'"
check "a Japanese subject (ISO-2022-JP encoded-word) answered as UTF-8" \
	grep -qx "Subject: SUCCESS: =?UTF-8?B?$(printf 'ネットワーク' | base64)?=" "$WORK/reply"
check "a non-ASCII reply body goes quoted-printable" grep -q "^Content-Transfer-Encoding: quoted-printable" "$WORK/reply"
