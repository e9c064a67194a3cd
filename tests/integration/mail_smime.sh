# The mail gateway with S/MIME made by real tools: openssl smime and openssl cms
# (detached multipart/signed and opaque signed-data) and gpgsm, each with a route
# the engine accepts and one it refuses, the reply's signature checked with
# openssl cms -verify. Then every S/MIME refusal, asserted verbatim, with nothing
# changed in the database.
. tests/lib.sh
. tests/mail_setup.sh

# smime_mail ID TOOL MODE PREFIX MNTNER [signer options]: a signed message in $WORK/ID.eml
smime_mail() {
	id=$1 tool=$2 mode=$3 pfx=$4 mnt=$5
	shift 5
	entity "$pfx" "$mnt" >"$WORK/$id.body"
	[ $# -gt 0 ] || set -- -signer "$WORK/reg.pem" -inkey "$WORK/reg.key"
	{ headers "$id" "route $pfx"
	  openssl "$tool" -sign "$@" $( [ "$mode" = opaque ] && echo -nodetach ) -in "$WORK/$id.body"; } >"$WORK/$id.eml"
}
n=0
for tool in smime cms; do
	for mode in detached opaque; do
		n=$((n + 1))
		smime_mail "$tool-$mode-ok" "$tool" "$mode" "192.0.$n.0/24" MAINT-A
		if [ "$mode" = opaque ]; then
			check "openssl $tool $mode: the tool made opaque signed-data" grep -q 'smime-type=signed-data' "$WORK/$tool-$mode-ok.eml"
		else
			check "openssl $tool $mode: the tool made multipart/signed" grep -q 'multipart/signed' "$WORK/$tool-$mode-ok.eml"
		fi
		deliver "$WORK/$tool-$mode-ok.eml"
		check "openssl $tool $mode: exit 0" rc_is 0
		check "openssl $tool $mode: route created" has_route "192.0.$n.0/24AS64500"
		check "openssl $tool $mode: reply signed by the gateway (openssl cms -verify)" reply_verifies
		check "openssl $tool $mode: reply subject SUCCESS" subject_is "SUCCESS: route 192.0.$n.0/24"
		check "openssl $tool $mode: reply reports the creation" replied "Create SUCCEEDED: [route] 192.0.$n.0/24AS64500"
		check "openssl $tool $mode: reply threads (In-Reply-To)" grep -qx "In-Reply-To: <$tool-$mode-ok@example.jp>" "$WORK/reply"
		smime_mail "$tool-$mode-b" "$tool" "$mode" "198.51.$n.0/24" MAINT-B
		deliver "$WORK/$tool-$mode-b.eml"
		check "openssl $tool $mode, maintainer A's certificate on B's object: refused" subject_is "FAILED: route 198.51.$n.0/24"
		check "openssl $tool $mode, A on B: the reason (verbatim)" replied "not authenticated by: MAINT-B"
		check "openssl $tool $mode, A on B: nothing created" sh -c "! $BIN/irrctl -c $CONF show route 198.51.$n.0/24AS64500 >/dev/null 2>&1"
		check "openssl $tool $mode, A on B: reply signed" reply_verifies
	done
done
check "the reply goes to From: (no Reply-To)" grep -qx "To: taro@example.jp" "$WORK/reply"
check "the reply is automatic (Auto-Submitted)" grep -qx "Auto-Submitted: auto-replied" "$WORK/reply"
check "the reply quotes the original headers" replied "> Message-ID: <cms-opaque-b@example.jp>"

# Reply-To wins over From; References carries the thread on.
entity 192.0.9.0/24 MAINT-A >"$WORK/rt.body"
{ printf 'Reply-To: noc@example.jp\nReferences: <earlier@example.jp>\n'; headers rt "with reply-to"
  openssl smime -sign -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -in "$WORK/rt.body"; } >"$WORK/rt.eml"
deliver "$WORK/rt.eml"
check "the reply goes to Reply-To:" grep -qx "To: noc@example.jp" "$WORK/reply"
check "References: of the original, then its Message-ID" grep -qx "References: <earlier@example.jp> <rt@example.jp>" "$WORK/reply"

# The audit record: Message-ID, sender, signer, outcome.
audit=$(sqlite3 "$WORK/irr.db" "SELECT origin || ' | ' || identity || ' | ' || outcome FROM audit WHERE origin LIKE '%<smime-detached-ok@%'")
check "audit: Message-ID and sender" test "${audit#Message-ID <smime-detached-ok@example.jp>, from taro@example.jp, envelope <taro@example.jp> | }" != "$audit"
check "audit: the signer's certificate" test "${audit#*S/MIME certificate serial $(cat "$WORK/reg.serial") (/O=JPIRR Test/OU=IRR Object Registrant/OU=MAINT-A/CN=IRR-OR TY1-JP 01) | succeeded}" != "$audit"

# ---- gpgsm ----
export GNUPGHOME="$WORK/gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill all >/dev/null 2>&1; cleanup_processes; rm -rf "$WORK"' EXIT
echo "pinentry-program $REPO/tests/pinentry-test.sh" >"$GNUPGHOME/gpg-agent.conf"
echo "$(openssl x509 -in "$CA/root.pem" -noout -fingerprint -sha1 | cut -d= -f2) S relax" >"$GNUPGHOME/trustlist.txt"
issue gsm registrant MAINT-A rsa:2048
# GnuPG 2.2 reads only the legacy PKCS#12 encryption
openssl pkcs12 -export -inkey "$WORK/gsm.key" -in "$WORK/gsm.pem" -certfile "$CA/irr-ca.pem" -passout pass:test \
	-keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 -out "$WORK/gsm.p12"
# The agent started and answering before the key goes to it: in two full runs of the
# suite under load, every gpgsm check failed at once (the key never reached an agent
# that was still starting); a second import after a pause is harmless.
gpgconf --launch gpg-agent >>"$WORK/gpgsm.err" 2>&1
gpg-connect-agent /bye >>"$WORK/gpgsm.err" 2>&1
gpgsm --batch --import "$CA/root.pem" "$CA/irr-ca.pem" >>"$WORK/gpgsm.err" 2>&1
gpgsm --batch --import "$WORK/gsm.p12" >>"$WORK/gpgsm.err" 2>&1
if ! gpgsm --batch --list-secret-keys 2>>"$WORK/gpgsm.err" | grep -q .; then
	sleep 1
	gpgsm --batch --import "$WORK/gsm.p12" >>"$WORK/gpgsm.err" 2>&1
fi
GPGSM="gpgsm --batch --disable-crl-checks --disable-policy-checks --include-certs -1"
# gpgsm_detached ID PREFIX MNTNER: multipart/signed around a gpgsm detached signature
gpgsm_detached() {
	b=gpgsmboundary42
	entity "$2" "$3" | crlf >"$WORK/$1.body"
	$GPGSM --detach-sign -o "$WORK/$1.sig" "$WORK/$1.body" 2>>"$WORK/gpgsm.err"
	{ headers "$1" "route $2"
	  printf 'MIME-Version: 1.0\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="%s"\n\n' $b
	  printf -- '--%s\r\n' $b; cat "$WORK/$1.body"
	  printf '\r\n--%s\nContent-Type: application/pkcs7-signature; name=smime.p7s\nContent-Transfer-Encoding: base64\n\n' $b
	  base64 "$WORK/$1.sig"; printf -- '--%s--\n' $b; } | tr -d '\r' >"$WORK/$1.eml"
}
gpgsm_detached gpgsm-ok 192.0.20.0/24 MAINT-A
check "gpgsm made a signature" test -s "$WORK/gpgsm-ok.sig"
[ -s "$WORK/gpgsm-ok.sig" ] || sed 's/^/# gpgsm: /' "$WORK/gpgsm.err"
deliver "$WORK/gpgsm-ok.eml"
check "gpgsm detached: route created" has_route 192.0.20.0/24AS64500
check "gpgsm detached: SUCCESS, reply signed" sh -c "grep -qx 'Subject: SUCCESS: route 192.0.20.0/24' $WORK/reply && grep -q 'CMS Verification successful' $WORK/verify.log"
# The same message as saved by a Windows mail client (CRLF throughout) has the same
# canonical signed bytes: it verifies, and is the same signed message again.
crlf <"$WORK/gpgsm-ok.eml" | sed 's/gpgsm-ok@/gpgsm-crlf@/' >"$WORK/gpgsm-crlf.eml"
deliver "$WORK/gpgsm-crlf.eml"
check "CRLF line ends throughout: verifies, and is recognised as a replay" replied "This signed message was already processed"
gpgsm_detached gpgsm-b 198.51.20.0/24 MAINT-B
deliver "$WORK/gpgsm-b.eml"
check "gpgsm detached, A on B: refused with the reason" replied "not authenticated by: MAINT-B"
check "gpgsm detached, A on B: FAILED" subject_is "FAILED: route 198.51.20.0/24"
# opaque: gpgsm --sign wraps the entity itself
entity 192.0.21.0/24 MAINT-A | crlf >"$WORK/gsm-opaque.body"
$GPGSM --sign -o "$WORK/gsm-opaque.p7m" "$WORK/gsm-opaque.body" 2>/dev/null
{ headers gpgsm-opaque "route 192.0.21.0/24"
  printf 'MIME-Version: 1.0\nContent-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\nContent-Transfer-Encoding: base64\n\n'
  base64 "$WORK/gsm-opaque.p7m"; } >"$WORK/gsm-opaque.eml"
deliver "$WORK/gsm-opaque.eml"
check "gpgsm opaque: route created" has_route 192.0.21.0/24AS64500
check "gpgsm opaque: reply signed" reply_verifies

# ---- refusals: the precise reason in the reply, and nothing changed ----
before=$(objects)
# refused TEST-NAME TEXT: the message was refused with TEXT, FAILED, nothing changed, exit 0
refused() {
	check "$1: refused (verbatim)" replied "$2"
	check "$1: FAILED and signed" sh -c "grep -q '^Subject: FAILED' $WORK/reply && grep -q 'CMS Verification successful' $WORK/verify.log"
	check "$1: nothing processed" replied "Nothing in the submission was processed."
	check "$1: database unchanged" test "$(objects)" = "$before"
	check "$1: exit 0" rc_is 0
}

smime_mail altered smime detached 192.0.30.0/24 MAINT-A
sed -i 's/^descr:          by mail/descr:          by maiL/' "$WORK/altered.eml"
deliver "$WORK/altered.eml"
refused "one byte altered after signing" "***Error:   The S/MIME signature does not verify (content verify error):"
check "one byte altered: the explanation" replied "the signed part is not what was signed"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/foreign-ca.key" -out "$WORK/foreign-ca.pem" \
	-subj "/O=JPIRR Test/CN=JPIRR Test IRR CA" -days 30 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=emailProtection\n' >"$WORK/ext"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/foreign.key" -out "$WORK/foreign.csr" \
	-subj "/O=JPIRR Test/OU=IRR Object Registrant/OU=MAINT-A/CN=IRR-OR TY1-JP 01" 2>/dev/null
openssl x509 -req -in "$WORK/foreign.csr" -CA "$WORK/foreign-ca.pem" -CAkey "$WORK/foreign-ca.key" -set_serial "0x$(cat "$WORK/reg.serial")" \
	-days 30 -extfile "$WORK/ext" -out "$WORK/foreign.pem" 2>/dev/null
smime_mail foreign smime detached 192.0.31.0/24 MAINT-A -signer "$WORK/foreign.pem" -inkey "$WORK/foreign.key"
deliver "$WORK/foreign.eml"
refused "certificate from another CA (our subject and serial)" \
	"***Error:   The signer's certificate is not accepted: unknown issuer: the certificate was not issued by this registry's CA,"
check "another CA: the report says no key-cert holds it either" replied "and it is in no X509 key-cert object"

issue revoked registrant MAINT-A "ec -pkeyopt ec_paramgen_curve:P-256"
"$BIN/irrctl" -c "$CONF" ca revoke "$(cat "$WORK/revoked.serial")" --reason keyCompromise >/dev/null
smime_mail revoked smime detached 192.0.32.0/24 MAINT-A -signer "$WORK/revoked.pem" -inkey "$WORK/revoked.key"
deliver "$WORK/revoked.eml"
refused "revoked certificate" "***Error:   The signer's certificate is not accepted: certificate revoked on"
check "revoked: the reason for the revocation" replied "(keyCompromise)"

# faketime preloads itself; the sanitizer build must be told that is fine
# The published CRL is checked as well as the records: a database restored from an old
# backup may say active where the CRL already says revoked.
issue stale registrant MAINT-A "ec -pkeyopt ec_paramgen_curve:P-256"
"$BIN/irrctl" -c "$CONF" ca revoke "$(cat "$WORK/stale.serial")" --reason keyCompromise >/dev/null
sqlite3 "$WORK/irr.db" "UPDATE certificates SET status = 'active', revoked_at = NULL WHERE serial = '$(cat "$WORK/stale.serial")'"
smime_mail stale smime detached 192.0.32.0/24 MAINT-A -signer "$WORK/stale.pem" -inkey "$WORK/stale.key"
deliver "$WORK/stale.eml"
refused "revoked on the CRL, active in the records" "***Error:   The signer's certificate is not accepted: it is on the CRL (revoked on"

issue expired registrant MAINT-A "ec -pkeyopt ec_paramgen_curve:P-256" env ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" faketime -f "-800d"
smime_mail expired smime detached 192.0.33.0/24 MAINT-A -signer "$WORK/expired.pem" -inkey "$WORK/expired.key"
deliver "$WORK/expired.eml"
refused "expired certificate" "***Error:   The signer's certificate is not accepted: certificate expired"

entity 192.0.34.0/24 MAINT-A >"$WORK/old.body"
{ headers old "route 192.0.34.0/24"; faketime -f "-2h" openssl smime -sign -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -in "$WORK/old.body"; } >"$WORK/old.eml"
deliver "$WORK/old.eml"
refused "signing time two hours ago" "more than 3600 seconds before it arrived"
check "old signature: the signing time is named" replied "***Error:   The message was signed at "
entity 192.0.34.0/24 MAINT-A >"$WORK/future.body"
{ headers future "route 192.0.34.0/24"; faketime -f "+2h" openssl smime -sign -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -in "$WORK/future.body"; } >"$WORK/future.eml"
deliver "$WORK/future.eml"
refused "signing time two hours ahead" "more than 3600 seconds after it arrived"

smime_mail notime cms detached 192.0.35.0/24 MAINT-A -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -noattr
deliver "$WORK/notime.eml"
refused "no signing time" "***Error:   The signature carries no signing time; this server requires one (it protects against replayed mail)"

issue second registrant MAINT-A "ec -pkeyopt ec_paramgen_curve:P-256"
smime_mail two cms detached 192.0.36.0/24 MAINT-A -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -signer "$WORK/second.pem" -inkey "$WORK/second.key"
deliver "$WORK/two.eml"
refused "two signers" "***Error:   The S/MIME signature has 2 signers; exactly one is accepted"

smime_mail sha1 cms detached 192.0.37.0/24 MAINT-A -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -md sha1
deliver "$WORK/sha1.eml"
refused "SHA-1 digest" "***Error:   The S/MIME signature uses the digest sha1, which is not accepted (SHA-256, SHA-384 and SHA-512 are)"

issue admin maintainer-admin MAINT-A "ec -pkeyopt ec_paramgen_curve:P-256"
smime_mail gwsigned smime detached 192.0.38.0/24 MAINT-A -signer "$WORK/gw.pem" -inkey "$WORK/gw.key"
deliver "$WORK/gwsigned.eml"
refused "the gateway's own certificate" "***Error:   The signer's certificate is not accepted: role gateway is not allowed here"

# A RIPE-style pinned certificate: self-signed, in key-cert X509-1, listed by MAINT-B.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/pinned.key" -out "$WORK/pinned.pem" \
	-subj "/C=JP/O=Example/CN=Hanako Suzuki" -days 30 -addext "keyUsage=digitalSignature" \
	-addext "extendedKeyUsage=emailProtection" 2>/dev/null
"$BIN/irrctl" -c "$CONF" submit >"$WORK/kc.report" <<X
key-cert:       X509-1
$(sed 's/^/certif:         /' "$WORK/pinned.pem")
admin-c:        TY1-JP
mnt-by:         MAINT-B
source:         JPIRR

mntner:         MAINT-B
descr:          maintainer B
admin-c:        TY1-JP
upd-to:         b@example.jp
auth:           BCRYPT-PW $HASH
auth:           X509-1
mnt-by:         MAINT-B
source:         JPIRR

password: secret
X
check "key-cert X509-1 and MAINT-B listing it" grep -q "Modify SUCCEEDED: \[mntner\] MAINT-B" "$WORK/kc.report"
smime_mail pinned cms detached 192.0.38.0/24 MAINT-B -signer "$WORK/pinned.pem" -inkey "$WORK/pinned.key"
deliver "$WORK/pinned.eml"
check "a pinned X509-1 key-cert certificate authenticates MAINT-B" has_route 192.0.38.0/24AS64500
check "pinned certificate: SUCCESS" subject_is "SUCCESS: route 192.0.38.0/24"
audit=$(sqlite3 "$WORK/irr.db" "SELECT identity FROM audit WHERE origin LIKE '%<pinned@%'")
check "audit: the key-cert that signed" test "${audit#X.509 certificate X509-1 (serial }" != "$audit"
before=$(objects)

# The same signed message twice: applied once.
smime_mail replay smime detached 192.0.39.0/24 MAINT-A
deliver "$WORK/replay.eml"
check "replay: first delivery applied" has_route 192.0.39.0/24AS64500
before=$(objects)
deliver "$WORK/replay.eml"
refused "the same signed message again" "***Error:   This signed message was already processed ("
check "replay: one digest remembered per signed body" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM mail_replay WHERE message_id = 'replay@example.jp'")" = 1
# A delete of that route by a maintainer admin certificate (the list never blocks clean-up).
{ route 192.0.39.0/24 MAINT-A; printf 'delete:         no longer announced\n'; } >"$WORK/del.txt"
{ printf 'Content-Type: text/plain\n\n'; cat "$WORK/del.txt"; } >"$WORK/del.body"
{ headers del "delete"; openssl smime -sign -signer "$WORK/admin.pem" -inkey "$WORK/admin.key" -in "$WORK/del.body"; } >"$WORK/del.eml"
deliver "$WORK/del.eml"
check "maintainer admin certificate: delete succeeded" replied "Delete SUCCEEDED: [route] 192.0.39.0/24AS64500"
check "the route is gone" sh -c "! $BIN/irrctl -c $CONF show route 192.0.39.0/24AS64500 >/dev/null 2>&1"
