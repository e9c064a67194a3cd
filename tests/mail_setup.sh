# Shared set-up for the mail gateway tests (sourced after tests/lib.sh): a registry
# with two maintainers, our CA, an object registrant certificate for MAINT-A (EC),
# one for gpgsm (RSA 2048, as GnuPG 2.2 signs S/MIME with it), the gateway's own
# certificate, and helpers to compose, sign, deliver and read replies.
# Sets CONF, CA, OUT (captured outgoing mail), and the files named below.
CA="$WORK/ca"
OUT="$WORK/out"
CONF="$WORK/irr.conf"
mail_config() {
	file=$1
	shift
	# the authorisation list is tested in authlist.sh; here space nobody holds is open
	write_config "$file" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "authlist.unallocated = allow" \
		"mail.sendmail = sh $REPO/tests/capture-mail.sh $OUT" "mail.from = auto-dbm@registry.example" \
		"mail.gateway_certificate = $WORK/gw.pem" "mail.gateway_key = $WORK/gw.key" \
		"mail.spool_dir = $WORK/spool" "ca.organization = JPIRR Test" "ca.crl_url = http://irr.example/crl/" "$@"
}
mail_config "$CONF"
HASH=$(mkpasswd -m bcrypt secret)
cat >"$WORK/base.db" <<X
mntner:         MAINT-A
descr:          maintainer A
admin-c:        TY1-JP
upd-to:         a@example.jp
auth:           BCRYPT-PW $HASH
mnt-by:         MAINT-A
source:         JPIRR

mntner:         MAINT-B
descr:          maintainer B
admin-c:        TY1-JP
upd-to:         b@example.jp
auth:           BCRYPT-PW $HASH
mnt-by:         MAINT-B
source:         JPIRR

person:         Taro Yamada
address:        Tokyo
phone:          +81 3 0000 0000
nic-hdl:        TY1-JP
mnt-by:         MAINT-A
source:         JPIRR
X
"$BIN/irrctl" -c "$CONF" load --source JPIRR "$WORK/base.db" >/dev/null
"$BIN/irrctl" -c "$CONF" ca init >/dev/null

pem_of() { sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p'; }
# issue NAME ROLE MNTNER KEYSPEC [irrctl-prefix]: NAME.key, NAME.pem; NAME.serial
issue() {
	name=$1 role=$2 mnt=$3 keyspec=$4
	shift 4
	openssl req -newkey $keyspec -nodes -keyout "$WORK/$name.key" -out "$WORK/$name.csr" -subj /CN=ignored 2>/dev/null
	if [ "$role" = gateway ]; then set -- "$@" "$BIN/irrctl" -c "$CONF" ca issue --role gateway --holder mailgate \
		--email auto-dbm@registry.example; else set -- "$@" "$BIN/irrctl" -c "$CONF" ca issue --role "$role" \
		--mntner "$mnt" --holder TY1-JP --email taro@example.jp; fi
	"$@" --csr "$WORK/$name.csr" >"$WORK/$name.out"
	pem_of <"$WORK/$name.out" >"$WORK/$name.pem"
	sed -n 's/^issued: serial \([0-9A-F]*\) .*/\1/p' "$WORK/$name.out" >"$WORK/$name.serial"
}
issue gw gateway - "ec -pkeyopt ec_paramgen_curve:P-256"
issue reg registrant MAINT-A "ec -pkeyopt ec_paramgen_curve:P-256"

# route PREFIX MNTNER [DESCR]: a route object originated by AS64500
route() {
	printf 'route:          %s\ndescr:          %s\norigin:         AS64500\nmnt-by:         %s\nsource:         JPIRR\n' \
		"$1" "${3:-by mail}" "$2"
}
# entity PREFIX MNTNER: a text/plain MIME entity holding the route
entity() { printf 'Content-Type: text/plain; charset=us-ascii\n\n'; route "$1" "$2"; }
# headers ID SUBJECT: the message headers every test mail carries
headers() {
	printf 'From: Taro Yamada <taro@example.jp>\nTo: auto-dbm@registry.example\nSubject: %s\nMessage-ID: <%s@example.jp>\nDate: %s\n' \
		"$2" "$1" "$(date -R)"
}
# crlf: LF to CRLF, the canonical form signers sign
crlf() { sed 's/$/\r/'; }

# deliver FILE [irr-mailgate options]: pipes FILE into irr-mailgate as an MTA would;
# exit status in $WORK/rc, the newest reply in $WORK/reply (empty when none), its
# verified text in $WORK/reply.txt, the gateway's log in $WORK/gate.log; other mail
# (notifications) stays in $OUT.
deliver() {
	f=$1
	shift
	rm -rf "$OUT"
	# seeds for the fuzz corpus (tests/fuzz/corpus/mail): MAIL_SEEDS=DIR sh tests/integration/mail_*.sh
	if [ -n "${MAIL_SEEDS:-}" ] && [ "$(stat -c %s "$f")" -lt 200000 ]; then cp "$f" "$MAIL_SEEDS/$(sha1sum <"$f" | cut -c1-40)"; fi
	"$BIN/irr-mailgate" -c "${GATE_CONF:-$CONF}" -f taro@example.jp "$@" <"$f" >"$WORK/gate.log" 2>&1
	echo $? >"$WORK/rc"
	: >"$WORK/reply"
	: >"$WORK/reply.txt"
	# the reply, not the engine's notifications (upd-to, mnt-nfy) captured beside it
	for m in "$OUT"/mail.*; do grep -qx "Auto-Submitted: auto-replied" "$m" 2>/dev/null && cat "$m" >"$WORK/reply"; done
	[ -s "$WORK/reply" ] && openssl cms -verify -CAfile "$CA/root.pem" -in "$WORK/reply" -out "$WORK/reply.txt" 2>"$WORK/verify.log"
	return 0
}
rc_is() { test "$(cat "$WORK/rc")" = "$1"; }
# replied TEXT: the verified reply says TEXT (fixed string)
replied() { grep -qF -- "$1" "$WORK/reply.txt"; }
subject_is() { grep -qx "Subject: $1" "$WORK/reply"; }
reply_verifies() { [ -s "$WORK/reply" ] && grep -q "CMS Verification successful" "$WORK/verify.log"; }
no_reply() { test ! -s "$WORK/reply"; }
has_route() { "$BIN/irrctl" -c "$CONF" show route "$1" >/dev/null 2>&1; }
objects() { count_objects "$WORK/irr.db" JPIRR; }

# pgp_maint_a FINGERPRINT: a PGPKEY key-cert for that gpg key (exported from
# $GNUPGHOME), listed in MAINT-A's auth: beside its password; the report goes to
# $WORK/kc.report
pgp_maint_a() {
	k8=$(echo "$1" | cut -c33-40)
	gpg --batch --armor --export "$1" >"$WORK/pgp-$k8.asc"
	"$BIN/irrctl" -c "$CONF" submit >"$WORK/kc.report" <<X
key-cert:       PGPKEY-$k8
$(sed 's/^/certif:         /' "$WORK/pgp-$k8.asc")
admin-c:        TY1-JP
mnt-by:         MAINT-A
source:         JPIRR

mntner:         MAINT-A
descr:          maintainer A
admin-c:        TY1-JP
upd-to:         a@example.jp
auth:           BCRYPT-PW $HASH
auth:           PGPKEY-$k8
mnt-by:         MAINT-A
source:         JPIRR

password: secret
X
}
