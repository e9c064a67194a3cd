# The mail gateway's MIME handling and its limits: unsigned mail (refused, or with
# passwords where allowed), multipart/mixed with attachments, alternatives,
# quoted-printable and base64, Japanese charsets, ignored parts; garbage MIME, a
# 50 MB message, deep nesting, too many parts and objects; no replies to automatic
# mail; the spool and the exit codes (busy database, broken configuration, a reply
# that cannot be sent).
. tests/lib.sh
. tests/mail_setup.sh

OPEN="$WORK/open.conf"
mail_config "$OPEN" "mail.require_signature = no" "mail.max_objects = 3"
# mail ID SUBJECT: headers plus MIME-Version; the body follows on stdin
mail() { headers "$1" "$2"; printf 'MIME-Version: 1.0\n'; cat; }
before=$(objects)
refused() {
	check "$1: refused (verbatim)" replied "$2"
	check "$1: FAILED, signed reply" sh -c "grep -q '^Subject: FAILED' $WORK/reply && grep -q 'CMS Verification successful' $WORK/verify.log"
	check "$1: database unchanged" test "$(objects)" = "$before"
	check "$1: exit 0" rc_is 0
}

# ---- unsigned mail ----
{ printf 'Content-Type: text/plain\n\n'; route 192.0.50.0/24 MAINT-A; printf '\npassword: secret\n'; } | mail plain "unsigned" >"$WORK/plain.eml"
deliver "$WORK/plain.eml"
refused "unsigned mail where signatures are required" \
	"***Error:   The message is not signed; this server accepts updates by mail only when they are"
export GATE_CONF="$OPEN"
deliver "$WORK/plain.eml"
check "unsigned mail with a password where allowed: created" has_route 192.0.50.0/24AS64500
check "unsigned with a password: SUCCESS" subject_is "SUCCESS: unsigned"
check "unsigned: the password is never echoed" sh -c "! grep -q secret $WORK/reply.txt"

# multipart/mixed: a covering note with the password, the objects as a text/plain attachment,
# a binary attachment that is ignored with a warning
{ printf 'Content-Type: multipart/mixed; boundary="mix"\n\n--mix\nContent-Type: text/plain; charset=utf-8\n\npassword: secret\n\n'
  printf -- '--mix\nContent-Type: text/plain; name="route.txt"\nContent-Disposition: attachment; filename="route.txt"\nContent-Transfer-Encoding: base64\n\n'
  route 192.0.51.0/24 MAINT-A | base64
  printf -- '--mix\nContent-Type: application/octet-stream; name="x.bin"\nContent-Disposition: attachment; filename="x.bin"\nContent-Transfer-Encoding: base64\n\nAAEC\n--mix--\n'; } | mail mixed "attachment" >"$WORK/mixed.eml"
deliver "$WORK/mixed.eml"
check "multipart/mixed with a base64 text/plain attachment: created" has_route 192.0.51.0/24AS64500
check "a binary attachment is ignored with a warning (verbatim)" \
	replied "***Warning: A part of type application/octet-stream (x.bin) was ignored: objects must be in text/plain parts"

# multipart/alternative: the text/plain alternative, quoted-printable UTF-8; the HTML one says the same
{ printf 'Content-Type: multipart/alternative; boundary="alt"\n\n--alt\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n'
  route 192.0.52.0/24 MAINT-A "Osaka =E5=A4=A7=E9=98=AA office, a line that quoted-printable=" | sed 's/^origin:/ breaks softly\norigin:/'
  printf '\npassword: secret\n--alt\nContent-Type: text/html\n\n<p>route: 192.0.52.0/24</p>\n--alt--\n'; } | mail alt "alternative" >"$WORK/alt.eml"
deliver "$WORK/alt.eml"
check "multipart/alternative, quoted-printable UTF-8: created" has_route 192.0.52.0/24AS64500
check "quoted-printable decoded, soft line break joined" sh -c "$BIN/irrctl -c $OPEN show route 192.0.52.0/24AS64500 | grep -qx 'descr:          Osaka 大阪 office, a line that quoted-printable breaks softly'"
check "the HTML alternative is not read (no warning, one object)" replied "Number of objects found:                   1"

# Shift_JIS in base64, ISO-2022-JP without a charset parameter (common from Japanese mailers)
{ printf 'Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: base64\n\n'
  { route 192.0.53.0/24 MAINT-A "大阪支店"; printf '\npassword: secret\n'; } | iconv -f UTF-8 -t SHIFT_JIS | base64; } | mail sjis "sjis" >"$WORK/sjis.eml"
deliver "$WORK/sjis.eml"
check "Shift_JIS base64: stored as UTF-8" sh -c "$BIN/irrctl -c $OPEN show route 192.0.53.0/24AS64500 | grep -qx 'descr:          大阪支店'"
{ printf 'Content-Type: text/plain\n\n'; { route 192.0.54.0/24 MAINT-A "名古屋"; printf '\npassword: secret\n'; } | iconv -f UTF-8 -t ISO-2022-JP; } | mail jis "jis" >"$WORK/jis.eml"
deliver "$WORK/jis.eml"
check "undeclared ISO-2022-JP: recognised, stored as UTF-8" sh -c "$BIN/irrctl -c $OPEN show route 192.0.54.0/24AS64500 | grep -qx 'descr:          名古屋'"

before=$(objects)
{ printf 'Content-Type: text/plain; charset=x-unheard-of\n\n'; route 192.0.55.0/24 MAINT-A; } | mail cs "charset" >"$WORK/cs.eml"
deliver "$WORK/cs.eml"
refused "unknown charset" "***Error:   The text of the message cannot be read: unknown charset x-unheard-of"
{ printf 'Content-Type: text/plain\n\n'; route 192.0.55.0/24 MAINT-A "caf"; printf '\351\n'; } | mail latin "latin-1 undeclared" >"$WORK/latin.eml"
deliver "$WORK/latin.eml"
refused "8-bit text without a charset" "***Error:   The text of the message cannot be read: the text is not valid UTF-8 and declares no other charset"
{ printf 'Content-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\n'; route 192.0.56.0/24 MAINT-A
  printf '\nroute:          192.0.57.0/24\norigin: AS1\n\nroute:          192.0.58.0/24\norigin: AS1\n\nroute:          192.0.59.0/24\norigin: AS1\n--m--\n'; } | mail many "four objects" >"$WORK/many.eml"
deliver "$WORK/many.eml"
refused "more objects than mail.max_objects" "***Error:   The message holds 4 objects, more than the limit of 3; send them in several messages"
unset GATE_CONF

# ---- garbage and hostile structure ----
{ printf 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="s"\n\n--s\nContent-Type: text/plain\n\n'; route 192.0.60.0/24 MAINT-A; printf -- '--s--\n'; } | mail onepart "one part" >"$WORK/onepart.eml"
deliver "$WORK/onepart.eml"
refused "multipart/signed with one part" "***Error:   The message cannot be read: multipart/signed with 1 parts: the signed part and the signature are expected"
{ printf 'Content-Type: multipart/signed; boundary="s"\n\n--s\n\nx\n--s\n\ny\n--s--\n'; } | mail noproto "no protocol" >"$WORK/noproto.eml"
deliver "$WORK/noproto.eml"
refused "multipart/signed without protocol" "***Error:   The message cannot be read: multipart/signed without a protocol parameter"
{ printf 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="s"\n\n--s\nContent-Type: text/plain\n\n'; route 192.0.60.0/24 MAINT-A
  printf -- '--s\nContent-Type: application/pkcs7-signature\nContent-Transfer-Encoding: base64\n\n'; head -c 600 /dev/urandom | base64; printf -- '--s--\n'; } | mail garbsig "garbage signature" >"$WORK/garbsig.eml"
deliver "$WORK/garbsig.eml"
refused "a signature part of random bytes" "***Error:   The S/MIME signature cannot be read: it is not CMS SignedData"
{ printf 'Content-Type: application/pkcs7-mime; smime-type=signed-data\nContent-Transfer-Encoding: base64\n\n'; printf '%%%%%% not base64 at all %%%%%%\n'; } | mail garbopaque "garbage opaque" >"$WORK/garbopaque.eml"
deliver "$WORK/garbopaque.eml"
refused "opaque S/MIME that is not base64 CMS" "***Error:   The S/MIME signature cannot be read: it is not CMS SignedData"
entity 192.0.61.0/24 MAINT-A >"$WORK/enc.body"
{ headers enc "encrypted"; openssl cms -encrypt -aes256 -in "$WORK/enc.body" "$WORK/gw.pem"; } >"$WORK/enc.eml"
deliver "$WORK/enc.eml"
refused "encrypted mail" "***Error:   The message cannot be read: the message is encrypted (S/MIME enveloped-data): sign it, do not encrypt it"
# nesting: 20 levels of multipart/mixed around the text, then 3,000 (GMime itself stops at 1,024)
nest() {
	i=0; while [ $i -lt "$1" ]; do printf 'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' $i $i; i=$((i + 1)); done
	printf 'Content-Type: text/plain\n\n'; route 192.0.62.0/24 MAINT-A
	i=$(($1 - 1)); while [ $i -ge 0 ]; do printf -- '--b%d--\n' $i; i=$((i - 1)); done
}
nest 20 | mail nest20 "nested" >"$WORK/nest20.eml"
deliver "$WORK/nest20.eml"
refused "multiparts nested 20 deep" "***Error:   The message cannot be read: the MIME structure is nested deeper than 8 levels"
nest 3000 | mail nest3000 "nested" >"$WORK/nest3000.eml"
deliver "$WORK/nest3000.eml"
refused "multiparts nested 3,000 deep" "***Error:   The message cannot be read: the MIME structure is nested deeper than 8 levels"
{ printf 'Content-Type: multipart/mixed; boundary="p"\n\n'; i=0; while [ $i -lt 150 ]; do printf -- '--p\nContent-Type: text/plain\n\nx\n'; i=$((i + 1)); done; printf -- '--p--\n'; } | mail wide "wide" >"$WORK/wide.eml"
deliver "$WORK/wide.eml"
refused "150 MIME parts" "***Error:   The message cannot be read: the message has more than 100 MIME parts"
# 50 MB: answered from its headers, never read whole
{ printf 'Content-Type: text/plain\n\n'; head -c 52428800 /dev/zero | tr '\0' 'a'; } | mail huge "huge" >"$WORK/huge.eml"
deliver "$WORK/huge.eml"
refused "a 50 MB message" "***Error:   The message is 5242"
check "50 MB: the limit is named" replied "bytes, more than the limit of 10485760 bytes; nothing in it was read"
rm -f "$WORK/huge.eml"
# bytes that are no message: nobody to answer, so it is kept with the reason
head -c 3000 /dev/urandom | tr -d '\n' >"$WORK/noise.eml"
deliver "$WORK/noise.eml"
check "random bytes: exit 0, no reply" sh -c "test \$(cat $WORK/rc) = 0 && test ! -s $WORK/reply"
check "random bytes: kept in the spool with the reason" grep -q "not processed: the input is not an RFC 5322 message" "$WORK"/spool/*.reason
printf 'Subject: no sender\nContent-Type: text/plain\n\nhello\n' >"$WORK/nofrom.eml"
deliver "$WORK/nofrom.eml"
check "no From: nobody to answer, kept with the reason and the report" \
	grep -q "processed, but nobody can be told the outcome: the message has no valid From: or Reply-To: address" "$WORK"/spool/*.reason
rm -rf "$WORK/spool"

# ---- no replies to automatic mail (RFC 3834), still processed and audited ----
noreply() {
	check "$1: no reply" no_reply
	check "$1: logged why" grep -qF "no reply to message-id=<$2@example.jp>: $3" "$WORK/gate.log"
}
{ printf 'Auto-Submitted: auto-replied\n'; printf 'Content-Type: text/plain\n\nout of office\n' | mail auto "Re: your mail"; } >"$WORK/auto.eml"
deliver "$WORK/auto.eml"
noreply "Auto-Submitted: auto-replied" auto "the message is automatic (Auto-Submitted)"
check "Auto-Submitted: still audited" test "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM audit WHERE origin LIKE '%<auto@%'")" = 1
{ printf 'Precedence: bulk\n'; printf 'Content-Type: text/plain\n\nnewsletter\n' | mail bulk "news"; } >"$WORK/bulk.eml"
deliver "$WORK/bulk.eml"
noreply "Precedence: bulk" bulk "the message is bulk or list mail (Precedence)"
{ printf 'List-Id: <ops.lists.example>\n'; printf 'Content-Type: text/plain\n\nhello list\n' | mail list "list"; } >"$WORK/list.eml"
deliver "$WORK/list.eml"
noreply "List-Id" list "the message came through a mailing list (List-Id)"
printf 'Content-Type: text/plain\n\nbounce\n' | mail bounce "Undelivered" >"$WORK/bounce.eml"
deliver "$WORK/bounce.eml" -f ''
noreply "null envelope sender (a bounce)" bounce "the message is a bounce (null or MAILER-DAEMON envelope sender)"
sed 's/^From: .*/From: MAILER-DAEMON@mx.example.jp/' "$WORK/bounce.eml" | sed 's/bounce@/daemon@/' >"$WORK/daemon.eml"
"$BIN/irr-mailgate" -c "$CONF" <"$WORK/daemon.eml" >"$WORK/gate.log" 2>&1
check "From: MAILER-DAEMON: no reply" grep -qF "no reply to message-id=<daemon@example.jp>: the reply address is a mail system's (MAILER-DAEMON, postmaster)" "$WORK/gate.log"
sed 's/^From: .*/From: auto-dbm@registry.example/' "$WORK/bounce.eml" | sed 's/bounce@/self@/' >"$WORK/self.eml"
deliver "$WORK/self.eml"
noreply "mail from the gateway's own address" self "the message comes from this gateway's own address"

# ---- exit codes and the spool ----
smime() { entity "$2" MAINT-A >"$WORK/$1.body"; { headers "$1" "route $2"; openssl smime -sign -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -in "$WORK/$1.body"; } >"$WORK/$1.eml"; }
smime busy 192.0.70.0/24
# another writer holds the database for longer than the gateway waits (10 s)
printf 'BEGIN IMMEDIATE;\nINSERT INTO audit(time, channel, identity, operation, outcome) VALUES (0, %s, %s, %s, %s);\n.shell sleep 12\nCOMMIT;\n' \
	"'test'" "'test'" "'lock'" "'held'" | sqlite3 "$WORK/irr.db" >/dev/null 2>&1 &
LOCKER=$!
sleep 0.5
deliver "$WORK/busy.eml"
check "database busy: exit 75 (EX_TEMPFAIL), the MTA retries" rc_is 75
check "database busy: no reply yet" no_reply
check "database busy: kept in the spool" test "$(ls "$WORK"/spool/*.eml | wc -l)" = 1
check "database busy: the reason is next to it" grep -q "not processed now, the MTA will retry: .*database is locked" "$WORK"/spool/*.reason
check "database busy: the spooled message is the message" cmp -s "$WORK/busy.eml" "$(ls "$WORK"/spool/*.eml)"
wait $LOCKER
deliver "$WORK/busy.eml"
check "the retry after the lock is released is applied (the replay claim was given back)" has_route 192.0.70.0/24AS64500
check "the retry: SUCCESS" subject_is "SUCCESS: route 192.0.70.0/24"
rm -rf "$WORK/spool"

mail_config "$WORK/nodb.conf"
sed -i "s|^database = .*|database = $WORK/no/such/dir/irr.db|" "$WORK/nodb.conf"
GATE_CONF="$WORK/nodb.conf" deliver "$WORK/busy.eml"
check "database cannot be opened: exit 75" rc_is 75
check "database cannot be opened: kept with the reason" grep -q "unable to open database file" "$WORK"/spool/*.reason
rm -rf "$WORK/spool"
mail_config "$WORK/nokey.conf"
sed -i "s|^mail.gateway_key = .*|mail.gateway_key = $WORK/reg.key|" "$WORK/nokey.conf"
GATE_CONF="$WORK/nokey.conf" deliver "$WORK/busy.eml"
check "the gateway key does not match its certificate: exit 78 (EX_CONFIG)" rc_is 78
check "wrong gateway key: kept with the reason" grep -q "is not the key of the certificate in" "$WORK"/spool/*.reason
rm -rf "$WORK/spool"
printf 'database = x\nsource = JPIRR\nmail.require_signature = maybe\n' >"$WORK/bad.conf"
GATE_CONF="$WORK/bad.conf" deliver "$WORK/busy.eml"
check "a broken configuration file: exit 78" rc_is 78
check "a broken configuration file: the key is named" grep -q "bad.conf:3: mail.require_signature: must be yes or no" "$WORK/gate.log"
"$BIN/irr-mailgate" -x >/dev/null 2>&1
check "bad arguments: exit 64 (EX_USAGE)" test $? = 64
mail_config "$WORK/nosend.conf"
sed -i "s|^mail.sendmail = .*|mail.sendmail = false|" "$WORK/nosend.conf"
smime nosend 192.0.71.0/24
GATE_CONF="$WORK/nosend.conf" deliver "$WORK/nosend.eml"
check "the reply cannot be sent: still exit 0 (the update is applied)" rc_is 0
check "the reply cannot be sent: the route is there" has_route 192.0.71.0/24AS64500
check "the reply cannot be sent: kept with the reason and the report" sh -c "grep -q 'processed, but the reply to taro@example.jp could not be sent' $WORK/spool/*.reason && grep -q 'Create SUCCEEDED: \[route\] 192.0.71.0/24AS64500' $WORK/spool/*.reason"
check "spool files are private (0600)" test "$(stat -c %a "$WORK"/spool/*.eml)" = 600
