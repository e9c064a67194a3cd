# The certificate authority through `irrctl ca`, checked with the openssl command:
# hierarchy, profile field by field, CRLs, the verification function's refusals,
# malformed CSRs, PKCS#12, renewal, encrypted keys and import of an existing CA.
. tests/lib.sh

CONF="$WORK/irr.conf"
write_config "$CONF" "$WORK/irr.db" JPIRR "ca.crl_url = http://irr.example.jp/crl/" "ca.organization = JPIRR Test"
ca() { "$BIN/irrctl" -c "$CONF" ca "$@"; }
CA="$WORK/ca"
# verify_openssl CERT [CA]: openssl verify with the CRL of the issuing CA (irr or resource)
verify_openssl() {
	openssl verify -crl_check -CAfile "$CA/root.pem" -untrusted "$CA/${2:-irr}-ca.pem" -CRLfile "$CA/${2:-irr}-ca.crl" "$1" 2>&1
}
records() { sqlite3 "$WORK/irr.db" "SELECT count(*) FROM certificates"; }
csr() { openssl req -newkey "$@" -nodes -keyout "$WORK/csr.key" -out "$WORK/req.csr" -subj "/O=Evil/CN=ignored" 2>/dev/null; }
pem_of() { sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p'; }

ca init >"$WORK/out" 2>&1
check "ca init" contains "$WORK/out" "CA ready in $CA"
check "CA keys are 0600" test "$(stat -c %a "$CA/root.key") $(stat -c %a "$CA/irr-ca.key") $(stat -c %a "$CA/resource-ca.key")" = "600 600 600"
check "IRR CA chains to the root" test "$(openssl verify -CAfile "$CA/root.pem" "$CA/irr-ca.pem")" = "$CA/irr-ca.pem: OK"
check "resource CA chains to the root" test "$(openssl verify -CAfile "$CA/root.pem" "$CA/resource-ca.pem")" = "$CA/resource-ca.pem: OK"
check "root CN" grep -q "CN = JPIRR Test Root CA" <<X
$(openssl x509 -in "$CA/root.pem" -noout -subject)
X
ca init >"$WORK/out" 2>&1
check "a second init refuses to overwrite keys (verbatim)" \
	contains "$WORK/out" "irrctl ca init: $CA/root.key exists: the CA is already initialised (keys are never overwritten)"

# The registry objects certificates name: maintainers and the holders' nic-hdls (a
# registrant or maintainer-admin certificate is issued only for objects that exist).
person() { printf 'person:         %s\naddress:        Tokyo\nphone:          +81 3 0000 0000\nnic-hdl:        %s\nmnt-by:         MAINT-EXAMPLE-JP\nsource:         JPIRR\n\n' "$1" "$2"; }
mntner() { printf 'mntner:         %s\ndescr:          test\nadmin-c:        TY1-JP\nupd-to:         a@example.jp\nauth:           BCRYPT-PW %s\nmnt-by:         %s\nsource:         JPIRR\n\n' "$1" "$HASH" "$1"; }
HASH=$(mkpasswd -m bcrypt secret)
{
	mntner MAINT-EXAMPLE-JP
	mntner MAINT-X
	for h in TY1-JP HS2-JP AK1-JP AK2-JP AK3-JP AK4-JP AK5-JP AK6-JP AK7-JP AK8-JP X1-JP; do person "Person $h" "$h"; done
	printf 'role:           Registry Team\naddress:        Tokyo\nphone:          +81 3 0000 0000\nnic-hdl:        RT1-JP\nmnt-by:         MAINT-EXAMPLE-JP\nsource:         JPIRR\n\n'
} >"$WORK/base.db"
{ cat "$WORK/base.db"; mntner MAINT-GONE; person "Person GN1" GN1-JP; } >"$WORK/with-gone.db"
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/with-gone.db" >"$WORK/out" 2>&1
check "registry objects loaded" test "$(count_objects "$WORK/irr.db" JPIRR)" -eq 16

# ---- issue from a CSR and check the profile field by field ----
csr ec -pkeyopt ec_paramgen_curve:P-256
ca issue --role registrant --mntner MAINT-EXAMPLE-JP --holder TY1-JP --email taro@example.jp --csr "$WORK/req.csr" >"$WORK/out"
check "registrant certificate issued" contains "$WORK/out" "issued: serial"
pem_of <"$WORK/out" >"$WORK/or.pem"
SERIAL=$(sed -n 's/^issued: serial \([0-9A-F]*\) .*/\1/p' "$WORK/out")
check "openssl verify -crl_check accepts it" test "$(verify_openssl "$WORK/or.pem")" = "$WORK/or.pem: OK"
openssl x509 -in "$WORK/or.pem" -noout -text >"$WORK/text"
has() { grep -qF -- "$1" "$WORK/text"; }
after() { grep -A1 -F -- "$1" "$WORK/text" | tail -n 1 | sed 's/^ *//'; }
check "version 3" has "Version: 3 (0x2)"
check "subject layout (CSR subject ignored)" has "Subject: O = JPIRR Test, OU = IRR Object Registrant, OU = MAINT-EXAMPLE-JP, CN = IRR-OR TY1-JP 01"
check "issuer is the IRR CA" has "Issuer: O = JPIRR Test, CN = JPIRR Test IRR CA"
check "basicConstraints critical CA:FALSE" test "$(after 'X509v3 Basic Constraints: critical')" = "CA:FALSE"
check "keyUsage critical digitalSignature, keyEncipherment" test "$(after 'X509v3 Key Usage: critical')" = "Digital Signature, Key Encipherment"
check "EKU clientAuth + emailProtection" test "$(after 'X509v3 Extended Key Usage:')" = "TLS Web Client Authentication, E-mail Protection"
check "SAN rfc822Name" test "$(after 'X509v3 Subject Alternative Name:')" = "email:taro@example.jp"
check "CRL distribution point" has "URI:http://irr.example.jp/crl/irr-ca.crl"
check "subject key identifier" has "X509v3 Subject Key Identifier:"
check "authority key identifier = the IRR CA's SKI" test "$(after 'X509v3 Authority Key Identifier:')" = \
	"$(openssl x509 -in "$CA/irr-ca.pem" -noout -ext subjectKeyIdentifier | tail -n 1 | sed 's/^ *//')"
check "signed with SHA-256" has "Signature Algorithm: ecdsa-with-SHA256"
start=$(date -d "$(openssl x509 -in "$WORK/or.pem" -noout -startdate | cut -d= -f2)" +%s)
end=$(date -d "$(openssl x509 -in "$WORK/or.pem" -noout -enddate | cut -d= -f2)" +%s)
check "validity 2 years + 30 days (760 days)" test $(((end - start) / 86400)) -eq 760
check "no CSR extension leaks in (O=Evil)" test "$(grep -c Evil "$WORK/text")" -eq 0

csr rsa:2048
ca issue --role maintainer-admin --mntner MAINT-EXAMPLE-JP --holder TY1-JP --email admin@example.jp --csr "$WORK/req.csr" --json >"$WORK/ma.json"
check "maintainer admin (RSA 2048 CSR), JSON output" grep -q '"subject": "/O=JPIRR Test/OU=IRR Maintainer Administrator/OU=MAINT-EXAMPLE-JP/CN=IRR-MA TY1-JP 01"' "$WORK/ma.json"
csr ec -pkeyopt ec_paramgen_curve:P-256
ca issue --role staff --holder Suzuki --email suzuki@registry.example --csr "$WORK/req.csr" | pem_of >"$WORK/staff.pem"
check "staff subject" test "$(openssl x509 -in "$WORK/staff.pem" -noout -subject)" = "subject=O = JPIRR Test, OU = IRR Administrator, CN = IRR-AD Suzuki 01"
ca issue --role lir-staff --lir LIR-0042 --holder Sato --email sato@lir.example --csr "$WORK/req.csr" | pem_of >"$WORK/lir.pem"
check "LIR staff certificate from the resource CA" test "$(verify_openssl "$WORK/lir.pem" resource)" = "$WORK/lir.pem: OK"
check "LIR staff subject carries the LIR account" test "$(openssl x509 -in "$WORK/lir.pem" -noout -subject)" = "subject=O = JPIRR Test, OU = LIR Staff, OU = LIR-0042, CN = LIR Sato 01"

# ---- the verification function ----
ca verify "$WORK/or.pem" >"$WORK/out"
check "verify: accepted with role and maintainer" test "$(cat "$WORK/out")" = "accepted: role registrant, maintainer MAINT-EXAMPLE-JP, serial $SERIAL"
ca verify "$WORK/lir.pem" --json >"$WORK/out"
check "verify --json: LIR staff" grep -qF '"role": "lir-staff"' "$WORK/out"
ca verify "$WORK/or.pem" --at 2031-01-01 >"$WORK/out"
check "expired certificate refused (verbatim)" test "$(cat "$WORK/out")" = "refused: certificate expired"
ca verify "$WORK/or.pem" --at 2020-01-01 >"$WORK/out"
check "not yet valid refused (verbatim)" test "$(cat "$WORK/out")" = "refused: certificate not yet valid"

# A certificate with exactly our subject, from a foreign CA.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/f.key" -out "$WORK/foreign-ca.pem" \
	-subj "/O=JPIRR Test/CN=JPIRR Test IRR CA" -days 30 2>/dev/null
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=emailProtection\n' >"$WORK/ext"
openssl x509 -req -in "$WORK/req.csr" -CA "$WORK/foreign-ca.pem" -CAkey "$WORK/f.key" -set_serial 0x$SERIAL -days 30 \
	-subj "/O=JPIRR Test/OU=IRR Object Registrant/OU=MAINT-EXAMPLE-JP/CN=IRR-OR TY1-JP 01" -extfile "$WORK/ext" \
	-out "$WORK/foreign.pem" 2>/dev/null
ca verify "$WORK/foreign.pem" >"$WORK/out"
check "same subject and serial from a foreign CA refused (verbatim)" \
	test "$(cat "$WORK/out")" = "refused: unknown issuer: the certificate was not issued by this registry's CA"
# Signed with our IRR CA key, but never recorded (a stolen key, a bug elsewhere).
openssl x509 -req -in "$WORK/req.csr" -CA "$CA/irr-ca.pem" -CAkey "$CA/irr-ca.key" -set_serial 0x1234 -days 30 \
	-subj "/O=JPIRR Test/OU=IRR Object Registrant/OU=MAINT-EXAMPLE-JP/CN=IRR-OR TY1-JP 01" -extfile "$WORK/ext" \
	-out "$WORK/unrecorded.pem" 2>/dev/null
ca verify "$WORK/unrecorded.pem" >"$WORK/out"
check "our signature but a serial not in the records refused (verbatim)" \
	test "$(cat "$WORK/out")" = "refused: not issued by us: serial 1234 is not in our issuance records"
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' >"$WORK/ext"
openssl x509 -req -in "$WORK/req.csr" -CA "$CA/irr-ca.pem" -CAkey "$CA/irr-ca.key" -set_serial 0x1235 -days 30 \
	-extfile "$WORK/ext" -out "$WORK/wrongeku.pem" 2>/dev/null
ca verify "$WORK/wrongeku.pem" >"$WORK/out"
check "wrong extended key usage refused (verbatim)" \
	test "$(cat "$WORK/out")" = "refused: wrong extended key usage: emailProtection is not allowed for this certificate"

# ---- revocation and the CRL ----
crl_number() { openssl crl -in "$CA/irr-ca.crl" -noout -crlnumber | cut -d= -f2; }
before=$(crl_number)
ca revoke "$SERIAL" --reason keyCompromise >"$WORK/out"
check "revoke" contains "$WORK/out" "revoked $SERIAL (keyCompromise); CRLs re-issued"
check "cRLNumber increased" test "$(($(crl_number)))" -gt "$((before))"
openssl crl -in "$CA/irr-ca.crl" -noout -text >"$WORK/crl"
check "the serial is on the new CRL" grep -q "Serial Number: $SERIAL" "$WORK/crl"
check "CRL v2" grep -q "Version 2 (0x1)" "$WORK/crl"
check "CRL carries the reason" grep -q "Key Compromise" "$WORK/crl"
check "CRL authority key identifier" grep -q "X509v3 Authority Key Identifier" "$WORK/crl"
this=$(date -d "$(openssl crl -in "$CA/irr-ca.crl" -noout -lastupdate | cut -d= -f2)" +%s)
next=$(date -d "$(openssl crl -in "$CA/irr-ca.crl" -noout -nextupdate | cut -d= -f2)" +%s)
check "nextUpdate is thisUpdate + 15 days" test $(((next - this) / 86400)) -eq 15
check "openssl verify -crl_check now refuses it" grep -q "certificate revoked" <<X
$(verify_openssl "$WORK/or.pem")
X
ca verify "$WORK/or.pem" >"$WORK/out"
check "the verification function refuses it" grep -q "^refused: certificate revoked on 20.* (keyCompromise)$" "$WORK/out"
ca revoke "$SERIAL" >"$WORK/out" 2>&1
check "revoking twice refused (verbatim)" contains "$WORK/out" "irrctl ca revoke: no active certificate with serial $SERIAL in our records"
ca revoke 1234 --reason bored >"$WORK/out" 2>&1
check "unknown reason refused" contains "$WORK/out" 'unknown revocation reason "bored"'

# ---- renewal ----
MA_SERIAL=$(sed 's/.*"serial": "\([0-9A-F]*\)".*/\1/' "$WORK/ma.json")
csr ec -pkeyopt ec_paramgen_curve:P-256
ca renew "$MA_SERIAL" --csr "$WORK/req.csr" | pem_of >"$WORK/renewed.pem"
check "renewal: same person and role, next sequence number" test "$(openssl x509 -in "$WORK/renewed.pem" -noout -subject)" = \
	"subject=O = JPIRR Test, OU = IRR Maintainer Administrator, OU = MAINT-EXAMPLE-JP, CN = IRR-MA TY1-JP 02"
ca renew "$SERIAL" --csr "$WORK/req.csr" >"$WORK/out" 2>&1
check "a revoked certificate cannot be renewed (verbatim)" \
	contains "$WORK/out" "irrctl ca renew: certificate $SERIAL is revoked; issue a new one instead of renewing"

# ---- malformed CSRs: refused, nothing written ----
n=$(records)
refuse() {
	ca issue --role registrant --mntner MAINT-X --holder X1-JP --email x@example.jp --csr "$WORK/bad.csr" >"$WORK/out" 2>&1
	check "$1 (verbatim)" contains "$WORK/out" "irrctl ca issue: $2"
}
echo "garbage" >"$WORK/bad.csr"
refuse "garbage CSR" "the CSR cannot be parsed (expected a PKCS#10 request, PEM or DER)"
csr ec -pkeyopt ec_paramgen_curve:P-256 && openssl req -in "$WORK/req.csr" -outform DER -out "$WORK/req.der"
size=$(stat -c %s "$WORK/req.der")
cp "$WORK/req.der" "$WORK/bad.csr"
printf '\001' | dd of="$WORK/bad.csr" bs=1 seek=$((size - 4)) conv=notrunc 2>/dev/null
refuse "CSR with a broken signature" "the CSR's signature does not verify with its own public key"
openssl req -newkey rsa:1024 -nodes -keyout "$WORK/k" -out "$WORK/bad.csr" -subj /CN=x 2>/dev/null
refuse "1024-bit RSA CSR" "the CSR's RSA key has 1024 bits; at least 2048 are required"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:secp256k1 -nodes -keyout "$WORK/k" -out "$WORK/bad.csr" -subj /CN=x 2>/dev/null
refuse "unsupported curve" "the CSR's elliptic curve secp256k1 is not supported (use P-256 or P-384)"
csr ec -pkeyopt ec_paramgen_curve:P-256
ca issue --role registrant --holder X1-JP --email x@example.jp --csr "$WORK/req.csr" >"$WORK/out" 2>&1
check "registrant without --mntner refused" contains "$WORK/out" "a registrant certificate names the maintainer it acts for (--mntner)"
ca issue --role registrant --mntner MAINT-X --holder X1-JP --email 'not an address' --csr "$WORK/req.csr" >"$WORK/out" 2>&1
check "bad e-mail refused" contains "$WORK/out" 'the e-mail address "not an address" is not valid'
check "nothing was recorded for any refused request" test "$(records)" -eq "$n"

# ---- certificates for nobody (issue 12, item 9): maintainer and holder must exist ----
n=$(records)
nobody() {
	ca "$@" >"$WORK/out" 2>&1
	echo $? >"$WORK/rc"
}
nobody issue --role registrant --mntner MAINT-NOPE --holder TY1-JP --email x@example.jp --csr "$WORK/req.csr"
check "certificates for nobody: unknown maintainer refused (verbatim)" \
	contains "$WORK/out" "irrctl ca issue: the maintainer MAINT-NOPE is not a mntner object in source JPIRR"
check "certificates for nobody: ... with a non-zero exit" test "$(cat "$WORK/rc")" -ne 0
nobody issue --role maintainer-admin --mntner MAINT-NOPE --holder TY1-JP --email x@example.jp --csr "$WORK/req.csr"
check "certificates for nobody: unknown maintainer refused for maintainer-admin" \
	contains "$WORK/out" "irrctl ca issue: the maintainer MAINT-NOPE is not a mntner object in source JPIRR"
nobody issue --role registrant --mntner MAINT-EXAMPLE-JP --holder NOPE-JP --email x@example.jp --csr "$WORK/req.csr"
check "certificates for nobody: unknown holder nic-hdl refused (verbatim)" \
	contains "$WORK/out" "irrctl ca issue: the holder NOPE-JP is not the nic-hdl of a person or role object in source JPIRR"
nobody issue --role maintainer-admin --mntner MAINT-EXAMPLE-JP --holder NOPE-JP --email x@example.jp --pkcs12 "$WORK/nobody.p12"
check "certificates for nobody: unknown holder refused for a PKCS#12 too" \
	contains "$WORK/out" "the holder NOPE-JP is not the nic-hdl of a person or role object in source JPIRR"
check "certificates for nobody: ... and no PKCS#12 file is left" test ! -e "$WORK/nobody.p12"
nobody issue --role registrant --mntner TY1-JP --holder MAINT-EXAMPLE-JP --email x@example.jp --csr "$WORK/req.csr"
check "certificates for nobody: a nic-hdl is not a maintainer (class matters)" \
	contains "$WORK/out" "the maintainer TY1-JP is not a mntner object in source JPIRR"
check "certificates for nobody: nothing recorded for any of them" test "$(records)" -eq "$n"
nobody access-key --role registrant --mntner MAINT-NOPE --holder TY1-JP --email x@example.jp
check "certificates for nobody: access key for an unknown maintainer refused (verbatim)" \
	contains "$WORK/out" "irrctl ca access-key: the maintainer MAINT-NOPE is not a mntner object in source JPIRR"
nobody access-key --role maintainer-admin --mntner MAINT-EXAMPLE-JP --holder NOPE-JP --email x@example.jp
check "certificates for nobody: access key for an unknown holder refused (verbatim)" \
	contains "$WORK/out" "irrctl ca access-key: the holder NOPE-JP is not the nic-hdl of a person or role object in source JPIRR"
check "certificates for nobody: no access key stored" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM access_keys")" -eq 0
nobody issue --role registrant --mntner maint-example-jp --holder rt1-jp --email team@example.jp --csr "$WORK/req.csr"
check "a role object's nic-hdl is a holder too (any case)" contains "$WORK/out" "issued: serial"
nobody issue --role staff --holder Nobody-In-The-Registry --email staff@registry.example --csr "$WORK/req.csr"
check "staff certificates name no registry object (unchanged)" contains "$WORK/out" "issued: serial"
nobody issue --role lir-staff --lir LIR-0099 --holder Someone --email s@lir.example --csr "$WORK/req.csr"
check "LIR staff certificates name no registry object (unchanged)" contains "$WORK/out" "issued: serial"

# renewal and pick-up when the maintainer was deleted after issuance
ca issue --role registrant --mntner MAINT-GONE --holder GN1-JP --email gone@example.jp --csr "$WORK/req.csr" >"$WORK/out"
GONE_SERIAL=$(sed -n 's/^issued: serial \([0-9A-F]*\) .*/\1/p' "$WORK/out")
ca access-key --role registrant --mntner MAINT-GONE --holder GN1-JP --email gone@example.jp --json >"$WORK/ak.json"
GONE_ID=$(sed 's/.*"id": \([0-9]*\).*/\1/' "$WORK/ak.json")
GONE_MAIL=$(sed 's/.*"mail_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
GONE_ADMIN=$(sed 's/.*"admin_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/base.db" >/dev/null 2>&1
n=$(records)
nobody renew "$GONE_SERIAL" --csr "$WORK/req.csr"
check "certificates for nobody: renewal refused once the maintainer is gone (verbatim)" \
	contains "$WORK/out" "irrctl ca renew: the maintainer MAINT-GONE is not a mntner object in source JPIRR"
nobody pickup "$GONE_ID-$GONE_MAIL" "$GONE_ADMIN" --csr "$WORK/req.csr"
check "certificates for nobody: pick-up refused once the maintainer is gone (verbatim)" \
	contains "$WORK/out" "irrctl ca pickup: the maintainer MAINT-GONE is not a mntner object in source JPIRR"
check "certificates for nobody: nothing recorded by the refused renewal and pick-up" test "$(records)" -eq "$n"
check "certificates for nobody: the refused pick-up did not spend the key" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT used_at IS NULL FROM access_keys WHERE id = $GONE_ID")" = 1

# ---- PKCS#12 for users without a CSR ----
ca issue --role registrant --mntner MAINT-EXAMPLE-JP --holder HS2-JP --email h@example.jp --pkcs12 "$WORK/u.p12" --json >"$WORK/p12.json"
PASS=$(sed 's/.*"pkcs12_password": "\([^"]*\)".*/\1/' "$WORK/p12.json")
check "PKCS#12 one-time password is 32 characters" test ${#PASS} -eq 32
openssl pkcs12 -in "$WORK/u.p12" -passin "pass:$PASS" -nodes -out "$WORK/p12.out" 2>/dev/null
check "openssl pkcs12 opens it with the password" grep -q "BEGIN PRIVATE KEY" "$WORK/p12.out"
check "it holds the certificate" grep -q "CN = IRR-OR HS2-JP 01" "$WORK/p12.out"
check "and refuses a wrong password" sh -c "! openssl pkcs12 -in '$WORK/u.p12' -passin pass:wrong -nodes >/dev/null 2>&1"
check "the PKCS#12 file is 0600" test "$(stat -c %a "$WORK/u.p12")" = 600

# ---- CA records for certificates nobody has (issue 12, item 15): the output file first ----
n=$(records)
echo "precious" >"$WORK/exists.p12"
ca issue --role registrant --mntner MAINT-EXAMPLE-JP --holder HS2-JP --email h@example.jp --pkcs12 "$WORK/exists.p12" >"$WORK/out" 2>&1
check "CA records for certificates nobody has: issue onto an existing file exits non-zero" test $? -ne 0
check "CA records for certificates nobody has: issue onto an existing file refused (verbatim)" contains "$WORK/out" \
	"irrctl ca issue: $WORK/exists.p12 already exists; the PKCS#12 is written only to a new file (nothing was issued)"
check "CA records for certificates nobody has: issue recorded nothing" test "$(records)" -eq "$n"
check "CA records for certificates nobody has: the existing file is untouched" test "$(cat "$WORK/exists.p12")" = precious
ln -s "$WORK/elsewhere.p12" "$WORK/link.p12"
ca issue --role registrant --mntner MAINT-EXAMPLE-JP --holder HS2-JP --email h@example.jp --pkcs12 "$WORK/link.p12" >"$WORK/out" 2>&1
check "CA records for certificates nobody has: a dangling symlink counts as existing" \
	contains "$WORK/out" "$WORK/link.p12 already exists"
check "CA records for certificates nobody has: ... nothing written through it, nothing recorded" \
	test ! -e "$WORK/elsewhere.p12" -a "$(records)" -eq "$n"
ca issue --role registrant --mntner MAINT-EXAMPLE-JP --holder HS2-JP --email h@example.jp --pkcs12 "$WORK/no-such-dir/x.p12" >"$WORK/out" 2>&1
check "CA records for certificates nobody has: an unwritable file is refused" \
	contains "$WORK/out" "irrctl ca issue: cannot create $WORK/no-such-dir/x.p12: No such file or directory"
check "CA records for certificates nobody has: ... and the issuance rolled back (no record)" test "$(records)" -eq "$n"

# ---- the CA key never appears in the database, outputs or logs ----
keyline=$(sed -n 2p "$CA/irr-ca.key")
sqlite3 "$WORK/irr.db" .dump >"$WORK/dump"
check "no CA key material in the database" test "$(grep -cF -- "$keyline" "$WORK/dump")" -eq 0
check "no CA key material in any output" test "$(cat "$WORK"/out "$WORK"/*.json | grep -cF -- "$keyline")" -eq 0

# ---- encrypted CA keys ----
printf 'correct horse battery\n' >"$WORK/pass"
write_config "$WORK/enc.conf" "$WORK/enc.db" JPIRR "ca.dir = $WORK/enc-ca" "ca.passphrase_file = $WORK/pass" "ca.key_type = rsa"
"$BIN/irrctl" -c "$WORK/enc.conf" ca init >/dev/null
check "keys encrypted with the passphrase" grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$WORK/enc-ca/irr-ca.key"
check "RSA CA keys when ca.key_type = rsa" grep -q "Public-Key: (3072 bit)" <<X
$(openssl x509 -in "$WORK/enc-ca/irr-ca.pem" -noout -text)
X
"$BIN/irrctl" -c "$WORK/enc.conf" ca issue --role staff --holder Ito --email ito@registry.example --csr "$WORK/req.csr" >"$WORK/out"
check "issuing with the encrypted key" contains "$WORK/out" "issued: serial"
printf 'wrong passphrase!\n' >"$WORK/pass"
"$BIN/irrctl" -c "$WORK/enc.conf" ca issue --role staff --holder Ito --email ito@registry.example --csr "$WORK/req.csr" >"$WORK/out" 2>&1
check "a wrong passphrase is refused" contains "$WORK/out" "cannot read the CA key (wrong passphrase?)"

# ---- importing an existing CA ----
I="$WORK/import"
mkdir -p "$I"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$I/root.key" -out "$I/root.pem" \
	-subj "/O=Existing/CN=Existing Root" -days 3650 -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >"$I/ext"
for n in irr resource; do
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$I/$n.key" -out "$I/$n.csr" \
		-subj "/O=Existing/CN=Existing $n CA" 2>/dev/null
	openssl x509 -req -in "$I/$n.csr" -CA "$I/root.pem" -CAkey "$I/root.key" -set_serial $((RANDOM + 10)) -days 3650 \
		-extfile "$I/ext" -out "$I/$n.pem" 2>/dev/null
done
write_config "$WORK/imp.conf" "$WORK/imp.db" JPIRR "ca.dir = $WORK/imp-ca"
"$BIN/irrctl" -c "$WORK/imp.conf" ca init --import-root "$I/root.pem" "$I/root.key" --import-irr "$I/irr.pem" "$I/irr.key" \
	--import-resource "$I/resource.pem" "$I/resource.key" >"$WORK/out" 2>&1
check "ca init --import" contains "$WORK/out" "CA ready in"
"$BIN/irrctl" -c "$WORK/imp.conf" load --source JPIRR "$WORK/base.db" >/dev/null 2>&1
"$BIN/irrctl" -c "$WORK/imp.conf" ca issue --role registrant --mntner MAINT-X --holder X1-JP --email x@example.jp \
	--csr "$WORK/req.csr" | pem_of >"$WORK/imp.pem"
check "a certificate from the imported CA verifies against the imported root" test "$(openssl verify -crl_check \
	-CAfile "$I/root.pem" -untrusted "$I/irr.pem" -CRLfile "$WORK/imp-ca/irr-ca.crl" "$WORK/imp.pem")" = "$WORK/imp.pem: OK"
"$BIN/irrctl" -c "$WORK/imp.conf" ca init --import-root "$I/root.pem" "$I/irr.key" >"$WORK/out" 2>&1
check "import refuses while a CA exists" contains "$WORK/out" "the CA is already initialised"

# ---- access keys for certificate pick-up ----
ca access-key --role registrant --mntner MAINT-EXAMPLE-JP --holder AK1-JP --email ak@example.jp --json >"$WORK/ak.json"
AK_ID=$(sed 's/.*"id": \([0-9]*\).*/\1/' "$WORK/ak.json")
MAILPART=$(sed 's/.*"mail_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
ADMINPART=$(sed 's/.*"admin_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
check "access key in two parts of 20 characters" test ${#MAILPART} -eq 20 -a ${#ADMINPART} -eq 20
check "only a hash is stored" test "$(sqlite3 "$WORK/irr.db" .dump | grep -c -e "$MAILPART" -e "$ADMINPART")" -eq 0
pickup() { ca pickup "$@" >"$WORK/out" 2>&1; }
pickup "$AK_ID-$MAILPART" WRONGWRONGWRONGWRONG --csr "$WORK/req.csr"
check "wrong admin part refused (verbatim)" contains "$WORK/out" "irrctl ca pickup: access key refused: wrong key"
pickup "$AK_ID-$ADMINPART" "$MAILPART" --csr "$WORK/req.csr"
check "parts swapped refused" contains "$WORK/out" "access key refused: wrong key"
pickup "$AK_ID-$MAILPART" "$ADMINPART" --csr "$WORK/req.csr"
check "correct key + CSR yields the certificate" contains "$WORK/out" "CN=IRR-OR AK1-JP 01"
pem_of <"$WORK/out" >"$WORK/ak.pem"
check "the picked-up certificate verifies" test "$(verify_openssl "$WORK/ak.pem")" = "$WORK/ak.pem: OK"
pickup "$AK_ID-$MAILPART" "$ADMINPART" --csr "$WORK/req.csr"
check "a used key is refused (verbatim)" contains "$WORK/out" "irrctl ca pickup: access key refused: it was already used"
pickup "999999-$MAILPART" "$ADMINPART" --csr "$WORK/req.csr"
check "an unknown key is refused (verbatim)" contains "$WORK/out" "irrctl ca pickup: access key refused: unknown key"

ca access-key --role registrant --mntner MAINT-EXAMPLE-JP --holder AK2-JP --email ak2@example.jp --json >"$WORK/ak.json"
AK_ID=$(sed 's/.*"id": \([0-9]*\).*/\1/' "$WORK/ak.json")
MAILPART=$(sed 's/.*"mail_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
ADMINPART=$(sed 's/.*"admin_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
for i in 1 2 3 4 5; do pickup "$AK_ID-$MAILPART" "GUESS${i}GUESSGUESSGUESS" --csr "$WORK/req.csr"; done
pickup "$AK_ID-$MAILPART" "$ADMINPART" --csr "$WORK/req.csr"
check "after 5 wrong attempts even the right key is refused (verbatim)" \
	contains "$WORK/out" "irrctl ca pickup: access key refused: locked after 5 wrong attempts; ask for a new one"

ca access-key --role registrant --mntner MAINT-EXAMPLE-JP --holder AK3-JP --email ak3@example.jp --ttl 1 --json >"$WORK/ak.json"
AK_ID=$(sed 's/.*"id": \([0-9]*\).*/\1/' "$WORK/ak.json")
MAILPART=$(sed 's/.*"mail_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
ADMINPART=$(sed 's/.*"admin_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
sleep 2
pickup "$AK_ID-$MAILPART" "$ADMINPART" --csr "$WORK/req.csr"
check "an expired key is refused (verbatim)" contains "$WORK/out" "irrctl ca pickup: access key refused: it has expired"

ca access-key --role lir-staff --lir LIR-0042 --holder Kato --email kato@lir.example --json >"$WORK/ak.json"
AK_ID=$(sed 's/.*"id": \([0-9]*\).*/\1/' "$WORK/ak.json")
MAILPART=$(sed 's/.*"mail_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
ADMINPART=$(sed 's/.*"admin_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
ca pickup "$AK_ID-$MAILPART" "$ADMINPART" --pkcs12 "$WORK/kato.p12" --json >"$WORK/p12.json"
PASS=$(sed 's/.*"pkcs12_password": "\([^"]*\)".*/\1/' "$WORK/p12.json")
check "pick-up as PKCS#12 opens with its one-time password" grep -q "CN = LIR Kato 01" <<X
$(openssl pkcs12 -in "$WORK/kato.p12" -passin "pass:$PASS" -nokeys 2>/dev/null)
X

# new_key HOLDER: an access key for a registrant of MAINT-EXAMPLE-JP; sets AK_ID, MAILPART, ADMINPART
new_key() {
	ca access-key --role registrant --mntner MAINT-EXAMPLE-JP --holder "$1" --email ak@example.jp --json >"$WORK/ak.json"
	AK_ID=$(sed 's/.*"id": \([0-9]*\).*/\1/' "$WORK/ak.json")
	MAILPART=$(sed 's/.*"mail_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
	ADMINPART=$(sed 's/.*"admin_part": "\([A-Z0-9]*\)".*/\1/' "$WORK/ak.json")
}
key_column() { sqlite3 "$WORK/irr.db" "SELECT $1 FROM access_keys WHERE id = $AK_ID"; }

# pick-up onto an existing file: refused before the key is checked or spent
new_key AK4-JP
n=$(records)
pickup "$AK_ID-$MAILPART" "$ADMINPART" --pkcs12 "$WORK/exists.p12"
check "CA records for certificates nobody has: pick-up onto an existing file refused (verbatim)" contains "$WORK/out" \
	"irrctl ca pickup: $WORK/exists.p12 already exists; the PKCS#12 is written only to a new file (nothing was issued)"
check "CA records for certificates nobody has: pick-up recorded nothing" test "$(records)" -eq "$n"
check "CA records for certificates nobody has: the key is neither spent nor charged an attempt" \
	test "$(key_column "used_at IS NULL, attempts")" = "1|0"
pickup "$AK_ID-$MAILPART" "$ADMINPART" --pkcs12 "$WORK/no-such-dir/x.p12"
check "CA records for certificates nobody has: pick-up to an unwritable file refused" \
	contains "$WORK/out" "irrctl ca pickup: cannot create $WORK/no-such-dir/x.p12: No such file or directory"
check "CA records for certificates nobody has: ... rolled back: no record, key not spent" \
	test "$(records)" -eq "$n" -a "$(key_column "used_at IS NULL")" = 1
check "CA records for certificates nobody has: an output in a missing directory costs no access-key attempt" \
	test "$(key_column "attempts")" = 0
pickup "$AK_ID-$MAILPART" "$ADMINPART" --pkcs12 "$WORK/ak4.p12" --json
check "CA records for certificates nobody has: the key is still redeemable afterwards" test -s "$WORK/ak4.p12"
check "CA records for certificates nobody has: ... one record, key now spent" \
	test "$(records)" -eq $((n + 1)) -a "$(key_column "used_at IS NOT NULL")" = 1
check "picked-up PKCS#12 is 0600" test "$(stat -c %a "$WORK/ak4.p12")" = 600
new_key AK5-JP
echo garbage >"$WORK/bad.csr"
pickup "$AK_ID-$MAILPART" "$ADMINPART" --csr "$WORK/bad.csr"
check "a pick-up with an unusable CSR is refused before the key is checked" \
	test "$(key_column "used_at IS NULL, attempts")" = "1|0"

# ---- access-key lockout race (issue 12, item 8) ----
# A writer holds the database while 20 wrong pick-ups start, so all of them have
# read the key before any can count: only an atomic claim keeps the limit.
hold_database() {
	rm -f "$WORK/locked"
	{ echo "BEGIN IMMEDIATE;"; echo ".shell touch $WORK/locked"; sleep "$1"; echo "COMMIT;"; } | sqlite3 "$WORK/irr.db" &
	LOCK_PID=$!
	while [ ! -e "$WORK/locked" ]; do sleep 0.05; done
}
new_key AK6-JP
n=$(records)
hold_database 4
pids=""
for i in $(seq 1 20); do
	ca pickup "$AK_ID-$MAILPART" "GUESS$(printf %02d $i)GUESSGUESSGUES" --csr "$WORK/req.csr" >"$WORK/race.$i" 2>&1 &
	pids="$pids $!"
done
wait $pids $LOCK_PID
wrong=$(cat "$WORK"/race.* | grep -c "^irrctl ca pickup: access key refused: wrong key$")
locked=$(cat "$WORK"/race.* | grep -c "^irrctl ca pickup: access key refused: locked after 5 wrong attempts; ask for a new one$")
check "access-key lockout race: 20 parallel wrong pick-ups, exactly 5 verified (got $wrong)" test "$wrong" -eq 5
check "access-key lockout race: the other 15 refused as locked (got $locked)" test "$locked" -eq 15
check "access-key lockout race: the counter stops at 5" test "$(key_column attempts)" -eq 5
pickup "$AK_ID-$MAILPART" "$ADMINPART" --csr "$WORK/req.csr"
check "access-key lockout race: afterwards even the right key is locked out" contains "$WORK/out" "locked after 5 wrong attempts"
check "access-key lockout race: nothing recorded" test "$(records)" -eq "$n"

new_key AK7-JP
hold_database 3
ca pickup "$AK_ID-$MAILPART" "$ADMINPART" --csr "$WORK/req.csr" >"$WORK/race.a" 2>&1 &
pa=$!
ca pickup "$AK_ID-$MAILPART" "$ADMINPART" --pkcs12 "$WORK/race.p12" >"$WORK/race.b" 2>&1 &
pb=$!
wait $pa $pb $LOCK_PID
won=$(cat "$WORK/race.a" "$WORK/race.b" | grep -c "^issued: serial")
check "access-key lockout race: two correct concurrent pick-ups, exactly one succeeds (got $won)" test "$won" -eq 1
check "access-key lockout race: the other is refused as already used" \
	test "$(cat "$WORK/race.a" "$WORK/race.b" | grep -c "^irrctl ca pickup: access key refused: it was already used$")" -eq 1
check "access-key lockout race: one record for that holder" \
	test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM certificates WHERE holder = 'AK7-JP'")" -eq 1
if grep -q "^issued" "$WORK/race.a"; then
	check "access-key lockout race: the loser left no PKCS#12 behind" test ! -e "$WORK/race.p12"
else
	check "access-key lockout race: the winner's PKCS#12 exists" test -s "$WORK/race.p12"
fi

# ---- the CRL timer (irrctl ca crl --if-due, run daily by contrib/systemd/routereg-crl.timer) ----
n0=$(($(crl_number)))
ca crl --if-due >"$WORK/out"
check "fresh CRLs are not re-issued" contains "$WORK/out" "CRLs are current (next update more than 7 days away)"
check "... and the cRLNumber stays" test "$(($(crl_number)))" -eq "$n0"
sqlite3 "$WORK/irr.db" "UPDATE ca_crl SET next_update = strftime('%s','now') + 86400"
ca crl --if-due >"$WORK/out"
check "a CRL within 7 days of nextUpdate is re-issued" contains "$WORK/out" "CRLs issued in"
check "... with the next cRLNumber" test "$(($(crl_number)))" -eq $((n0 + 1))

# ---- roles a channel accepts ----
ca verify "$WORK/ak.pem" --roles staff,maintainer-admin >"$WORK/out"
check "a role the channel does not accept is refused (verbatim)" test "$(cat "$WORK/out")" = "refused: role registrant is not allowed here"
ca verify "$WORK/ak.pem" --roles registrant >"$WORK/out"
check "... and accepted where it is" grep -q "^accepted: role registrant" "$WORK/out"

# ---- listing ----
ca list --json >"$WORK/list.json"
check "ca list --json: an array of records" grep -q '^\[{"ca": "irr", "serial": ' "$WORK/list.json"
check "ca list --json: the revoked one with its reason" grep -qF "\"serial\": \"$SERIAL\", \"subject\": \"/O=JPIRR Test/OU=IRR Object Registrant/OU=MAINT-EXAMPLE-JP/CN=IRR-OR TY1-JP 01\", \"role\": \"registrant\", \"mntner\": \"MAINT-EXAMPLE-JP\", \"lir\": null, \"holder\": \"TY1-JP\", \"email\": \"taro@example.jp\", \"status\": \"revoked\", \"revoke_reason\": \"keyCompromise\"" "$WORK/list.json"
ca show "$SERIAL" >"$WORK/out"
check "ca show prints the record and the certificate" grep -q "^-----BEGIN CERTIFICATE-----" "$WORK/out"
check "ca show names who issued it" grep -q "^issued by: irrctl:" "$WORK/out"

# ---- CRL files follow the umask (issue 12, item 18): every file the CA writes has its own mode ----
modes() { for f in "$@"; do stat -c %a "$f"; done | tr '\n' ' '; }
for u in 000 077; do
	write_config "$WORK/um$u.conf" "$WORK/um$u.db" JPIRR "ca.dir = $WORK/um$u-ca"
	(umask $u && "$BIN/irrctl" -c "$WORK/um$u.conf" ca init >/dev/null)
	d="$WORK/um$u-ca"
	check "CRL files follow the umask: under umask $u ca init writes keys 0600" \
		test "$(modes "$d/root.key" "$d/irr-ca.key" "$d/resource-ca.key")" = "600 600 600 "
	check "CRL files follow the umask: under umask $u ca init writes certificates 0644" \
		test "$(modes "$d/root.pem" "$d/irr-ca.pem" "$d/resource-ca.pem")" = "644 644 644 "
	check "CRL files follow the umask: under umask $u ca init writes CRLs 0644" \
		test "$(modes "$d/irr-ca.crl" "$d/resource-ca.crl")" = "644 644 "
	chmod 600 "$d/irr-ca.crl" "$d/resource-ca.crl"
	(umask $u && "$BIN/irrctl" -c "$WORK/um$u.conf" ca crl >/dev/null)
	check "CRL files follow the umask: under umask $u ca crl writes CRLs 0644" \
		test "$(modes "$d/irr-ca.crl" "$d/resource-ca.crl")" = "644 644 "
	check "CRL files follow the umask: no temporary files left beside the CRLs" \
		test "$(ls "$d" | grep -vc -e '\.pem$' -e '\.key$' -e '\.crl$')" -eq 0
	(umask $u && "$BIN/irrctl" -c "$WORK/um$u.conf" ca issue --role staff --holder Ito --email ito@registry.example \
		--pkcs12 "$WORK/um$u.p12" >/dev/null)
	check "CRL files follow the umask: under umask $u a PKCS#12 is 0600" test "$(modes "$WORK/um$u.p12")" = "600 "
done
