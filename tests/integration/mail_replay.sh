# Replays and half-applied mail (issue 12):
#  3. a signed message applied once cannot be applied again by re-encoding its
#     signature without the key: BER for DER, ECDSA's (r, n-s) for (r, s), trailing
#     blanks in a PGP clear-signed text (tests/tools/cms_reencode makes the variants);
# 10. kill -9 of irr-mailgate inside a 900-route message leaves nothing, not even the
#     replay claim, so the MTA's retry applies all of it; a store error likewise.
. tests/lib.sh
. tests/mail_setup.sh

export GNUPGHOME="$WORK/gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill all >/dev/null 2>&1; cleanup_processes; rm -rf "$WORK"' EXIT
q() { sqlite3 "$WORK/irr.db" "$1"; }

# opaque ID DERFILE: a message carrying DERFILE as application/pkcs7-mime signed-data
opaque() {
	{ headers "$1" "route"
	  printf 'MIME-Version: 1.0\nContent-Type: application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\n'
	  printf 'Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=smime.p7m\n\n'
	  base64 <"$2"; } >"$WORK/$1.eml"
}
# signed_der FILE BODY: BODY (a MIME entity) signed by the registrant certificate, opaque DER
signed_der() { openssl cms -sign -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -nodetach -binary -outform DER -in "$2" -out "$1"; }
delete_route() {
	{ printf 'Content-Type: text/plain\n\n'; route "$1" MAINT-A; printf 'delete:         test\n'; } >"$WORK/del.body"
	signed_der "$WORK/del.der" "$WORK/del.body"
	opaque "del-$2" "$WORK/del.der"
	deliver "$WORK/del-$2.eml"
}

# ---- 3. replay through re-encoding: S/MIME ----
entity 192.0.80.0/24 MAINT-A >"$WORK/orig.body"
signed_der "$WORK/orig.der" "$WORK/orig.body"
"$TESTBIN/cms_reencode" ber <"$WORK/orig.der" >"$WORK/ber.der"
"$TESTBIN/cms_reencode" ecdsa-s <"$WORK/orig.der" >"$WORK/flip.der"
"$TESTBIN/cms_reencode" sid-case <"$WORK/orig.der" >"$WORK/sid.der"
check "the re-encodings differ from the original bytes" \
	sh -c "! cmp -s $WORK/orig.der $WORK/ber.der && ! cmp -s $WORK/orig.der $WORK/flip.der && ! cmp -s $WORK/orig.der $WORK/sid.der"
check "openssl still verifies the BER re-encoding" sh -c "openssl cms -verify -noverify -inform DER -in $WORK/ber.der >/dev/null 2>&1"
check "openssl still verifies the (r, n-s) re-encoding" sh -c "openssl cms -verify -noverify -inform DER -in $WORK/flip.der >/dev/null 2>&1"
opaque orig "$WORK/orig.der"
deliver "$WORK/orig.eml"
check "the original signed message creates the route" has_route 192.0.80.0/24AS64500
delete_route 192.0.80.0/24 1
check "the route is deleted by a later signed message" sh -c "! $BIN/irrctl -c $CONF show route 192.0.80.0/24AS64500 >/dev/null 2>&1"
opaque ber "$WORK/ber.der"
deliver "$WORK/ber.eml"
check "replay through re-encoding (BER): refused as already processed" replied "***Error:   This signed message was already processed ("
check "replay through re-encoding (BER): the deleted route does not come back" sh -c "! $BIN/irrctl -c $CONF show route 192.0.80.0/24AS64500 >/dev/null 2>&1"
opaque flip "$WORK/flip.der"
deliver "$WORK/flip.eml"
check "replay through re-encoding (ECDSA r, n-s): refused as already processed" replied "***Error:   This signed message was already processed ("
check "replay through re-encoding (ECDSA): the deleted route does not come back" sh -c "! $BIN/irrctl -c $CONF show route 192.0.80.0/24AS64500 >/dev/null 2>&1"
opaque sid "$WORK/sid.der"
deliver "$WORK/sid.eml"
check "replay through re-encoding (signer identifier spelt in another case): refused as already processed" \
	replied "***Error:   This signed message was already processed ("
check "replay through re-encoding (signer identifier): the deleted route does not come back" \
	sh -c "! $BIN/irrctl -c $CONF show route 192.0.80.0/24AS64500 >/dev/null 2>&1"
# a new signature over the same text (a new signing time) is a new message
entity 192.0.81.0/24 MAINT-A >"$WORK/twice.body"
signed_der "$WORK/t1.der" "$WORK/twice.body"
opaque twice1 "$WORK/t1.der"
deliver "$WORK/twice1.eml"
delete_route 192.0.81.0/24 2
sleep 1
signed_der "$WORK/t2.der" "$WORK/twice.body"
opaque twice2 "$WORK/t2.der"
deliver "$WORK/twice2.eml"
check "signing the same text again (a new signing time) resubmits it" has_route 192.0.81.0/24AS64500

# ---- 3. replay through re-encoding: PGP clear-signed text with trailing blanks ----
ALICE=$(faketime -f "-1d" gpg --batch --pinentry-mode loopback --passphrase '' --quick-gen-key 'Taro <taro@example.jp>' ed25519 sign never >/dev/null 2>&1;
	gpg --batch --with-colons --list-keys taro@example.jp 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
pgp_maint_a "$ALICE"
check "PGP key-cert set up" grep -q "Modify SUCCEEDED: \[mntner\] MAINT-A" "$WORK/kc.report"
route 192.0.82.0/24 MAINT-A | gpg --batch --pinentry-mode loopback --passphrase '' --local-user "$ALICE" --clearsign >"$WORK/pgp.txt"
{ headers pgp1 "route"; printf 'Content-Type: text/plain; charset=us-ascii\n\n'; cat "$WORK/pgp.txt"; } >"$WORK/pgp1.eml"
deliver "$WORK/pgp1.eml"
check "the clear-signed route is created" has_route 192.0.82.0/24AS64500
{ printf 'Content-Type: text/plain\n\n'; route 192.0.82.0/24 MAINT-A; printf 'delete:         test\n'; } >"$WORK/del.body"
signed_der "$WORK/del.der" "$WORK/del.body"
opaque del-pgp "$WORK/del.der"
deliver "$WORK/del-pgp.eml"
sed '/^route:/,/^source:/s/$/   /' "$WORK/pgp.txt" >"$WORK/pgp-blanks.txt"
check "gpg still verifies the text with trailing blanks" sh -c "gpg --batch --verify $WORK/pgp-blanks.txt >/dev/null 2>&1"
{ headers pgp2 "route"; printf 'Content-Type: text/plain; charset=us-ascii\n\n'; cat "$WORK/pgp-blanks.txt"; } >"$WORK/pgp2.eml"
deliver "$WORK/pgp2.eml"
check "replay through re-encoding (PGP trailing blanks): refused as already processed" replied "***Error:   This signed message was already processed ("
check "replay through re-encoding (PGP): the deleted route does not come back" sh -c "! $BIN/irrctl -c $CONF show route 192.0.82.0/24AS64500 >/dev/null 2>&1"

# ---- 3. PGP: exactly one signature (a fresh second signature must not carry an old one) ----
MALLORY=$(faketime -f "-1d" gpg --batch --pinentry-mode loopback --passphrase '' --quick-gen-key 'Mallory <m@example.net>' ed25519 sign never >/dev/null 2>&1;
	gpg --batch --with-colons --list-keys m@example.net 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
route 192.0.83.0/24 MAINT-A | gpg --batch --pinentry-mode loopback --passphrase '' --local-user "$ALICE" --local-user "$MALLORY" --clearsign >"$WORK/pgp2sig.txt"
check "gpg made a text with two signatures" test "$(gpg --batch --verify "$WORK/pgp2sig.txt" 2>&1 | grep -c 'Signature made')" -eq 2
{ headers pgp2sig "route"; printf 'Content-Type: text/plain; charset=us-ascii\n\n'; cat "$WORK/pgp2sig.txt"; } >"$WORK/pgp2sig.eml"
deliver "$WORK/pgp2sig.eml"
check "PGP replay with a second signature: a message with two PGP signatures is refused (verbatim)" \
	replied "***Error:   The PGP signature has 2 signers; exactly one is accepted"
check "... and nothing was created" sh -c "! $BIN/irrctl -c $CONF show route 192.0.83.0/24AS64500 >/dev/null 2>&1"

# ---- 10. partial, unaudited mail updates: kill -9 inside a 900-route message ----
awk 'BEGIN { print "Content-Type: text/plain; charset=us-ascii\n"
	for (i = 0; i < 900; i++)
		printf "route:          10.%d.%d.0/24\norigin:         AS64500\nmnt-by:         MAINT-A\nsource:         JPIRR\n\n", int(i / 256), i % 256 }' >"$WORK/big.body"
signed_der "$WORK/big.der" "$WORK/big.body"
opaque big "$WORK/big.der"
audit_before=$(q "SELECT count(*) FROM audit")
replay_before=$(q "SELECT count(*) FROM mail_replay")
is_locked() { ! sqlite3 -cmd ".timeout 0" "$WORK/irr.db" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; }
"$BIN/irr-mailgate" -c "$CONF" -f taro@example.jp <"$WORK/big.eml" >"$WORK/gate.log" 2>&1 &
pid=$!
i=0
while ! is_locked && [ $i -lt 3000 ]; do kill -0 $pid 2>/dev/null || break; sleep 0.01; i=$((i + 1)); done
sleep 0.2
check "the kill lands inside the submission's transaction" is_locked
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "partial, unaudited mail updates: no route of the message exists after kill -9" test "$(q "SELECT count(*) FROM objects WHERE pkey LIKE '10.%'")" -eq 0
check "... no audit row" test "$(q "SELECT count(*) FROM audit")" -eq "$audit_before"
check "... and no replay claim" test "$(q "SELECT count(*) FROM mail_replay")" -eq "$replay_before"
deliver "$WORK/big.eml"
check "the MTA's retry is not refused as a replay" sh -c "! grep -qF 'already processed' $WORK/reply.txt"
check "the retry applies all 900 routes" test "$(q "SELECT count(*) FROM objects WHERE pkey LIKE '10.%'")" -eq 900
check "one audit row per route" test "$(q "SELECT count(*) FROM audit WHERE pkey LIKE '10.%'")" -eq 900

# a store error in the middle (the 500th route) rolls back the claim with the rest
awk 'BEGIN { print "Content-Type: text/plain; charset=us-ascii\n"
	for (i = 0; i < 900; i++)
		printf "route:          10.100.%d.0/24\norigin:         AS64500\nmnt-by:         MAINT-A\nsource:         JPIRR\n\n", i % 256 }' |
	awk 'BEGIN { RS = ""; ORS = "\n\n" } !seen[$0]++' >"$WORK/big2.body"
signed_der "$WORK/big2.der" "$WORK/big2.body"
opaque big2 "$WORK/big2.der"
replay_before=$(q "SELECT count(*) FROM mail_replay")
q "CREATE TRIGGER fail_mid BEFORE INSERT ON objects WHEN NEW.pkey = '10.100.200.0/24AS64500' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
deliver "$WORK/big2.eml"
check "store error mid-message: exit 75 (EX_TEMPFAIL), the MTA retries" rc_is 75
check "store error mid-message: nothing applied" test "$(q "SELECT count(*) FROM objects WHERE pkey LIKE '10.100.%'")" -eq 0
check "store error mid-message: no replay claim left" test "$(q "SELECT count(*) FROM mail_replay")" -eq "$replay_before"
q "DROP TRIGGER fail_mid"
deliver "$WORK/big2.eml"
check "after the error the retry applies the message" test "$(q "SELECT count(*) FROM objects WHERE pkey LIKE '10.100.%'")" -eq 256
