# End to end through a real MTA: a private Postfix instance on 127.0.0.1 (a free
# port) delivers mail for auto-dbm@ to irr-mailgate through a pipe(8) transport;
# the test sends signed mail with swaks; the gateway's signed reply goes back
# through Postfix (submitted by msmtp, a sendmail-compatible client) into a local
# Maildir (virtual(8)) and is read and verified from there. Skipped, with the
# reason, only where Postfix cannot run (not installed, or not root).
. tests/lib.sh

skip() { echo "ok - # SKIP Postfix end-to-end test: $1"; exit 0; }
command -v postfix >/dev/null 2>&1 || skip "postfix is not installed (sh scripts/deps.sh installs it)"
command -v swaks >/dev/null 2>&1 || skip "swaks is not installed"
command -v msmtp >/dev/null 2>&1 || skip "msmtp is not installed"
[ "$(id -u)" = 0 ] || skip "a private Postfix instance must be started as root"
id nobody >/dev/null 2>&1 || skip "no user nobody for the pipe transport"

# a free port: the first that nothing answers on
PORT=$((20000 + $$ % 30000))
while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
PF="$WORK/postfix"
# The pipe runs irr-mailgate as nobody: it reads the configuration and writes the database and spool.
chmod 755 "$WORK"
mkdir -p "$PF" "$WORK/queue" "$WORK/data" "$WORK/vmail" "$WORK/db"
chown nobody "$WORK/vmail" "$WORK/db"
chown postfix "$WORK/data"
. tests/mail_setup.sh
sed -i "s|^database = .*|database = $WORK/db/irr.db|; s|^mail.sendmail = .*|mail.sendmail = msmtp --host=127.0.0.1 --port=$PORT --from=auto-dbm@registry.example -t|; s|^mail.spool_dir = .*|mail.spool_dir = $WORK/db/spool|" "$CONF"
mv "$WORK/irr.db" "$WORK/db/irr.db"
rm -f "$WORK/irr.db-wal" "$WORK/irr.db-shm"
chown -R nobody "$WORK/db"
chmod -R a+rX "$WORK/ca" "$WORK/gw.pem" "$WORK/gw.key" "$CONF"
trap 'postfix -c "$PF" stop >/dev/null 2>&1; cleanup_processes; rm -rf "$WORK"' EXIT
# nobody may not be able to reach the build tree (a clone under /root): run a copy
install -m 0755 "$BIN/irr-mailgate" "$WORK/irr-mailgate"

cat >"$PF/main.cf" <<X
compatibility_level = 3.6
queue_directory = $WORK/queue
data_directory = $WORK/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = registry.example
mydomain = registry.example
myorigin = registry.example
mydestination = registry.example
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
local_recipient_maps =
alias_maps =
alias_database =
smtputf8_enable = no
biff = no
# mail for the gateway's address goes to the pipe transport below
transport_maps = inline:{ auto-dbm@registry.example=irrmail: }
irrmail_destination_recipient_limit = 1
# replies and notifications land in Maildirs
virtual_mailbox_domains = example.jp
virtual_mailbox_base = $WORK/vmail
virtual_mailbox_maps = inline:{ taro@example.jp=taro/, a@example.jp=a/, b@example.jp=b/ }
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
maillog_file = $WORK/maillog
maillog_file_prefixes = $WORK
X
cat >"$PF/master.cf" <<X
127.0.0.1:$PORT inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
irrmail   unix - n n - - pipe
  flags=Rq user=nobody argv=$WORK/irr-mailgate -c $CONF -f \${sender}
X
if ! postfix -c "$PF" start >"$WORK/postfix.log" 2>&1; then
	not_ok "Postfix starts"
	cat "$WORK/postfix.log" "$WORK/maillog" 2>/dev/null | sed 's/^/#   /'
	exit 1
fi
ok "private Postfix instance started on 127.0.0.1:$PORT"

# wait_mail DIR N: waits up to 30 s for N messages in a Maildir
wait_mail() {
	i=0
	while [ "$(ls "$1/new" 2>/dev/null | wc -l)" -lt "$2" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(ls "$1/new" 2>/dev/null | wc -l)" -ge "$2" ]
}
# newest_reply: the newest message in taro's Maildir, verified
newest_reply() {
	f=$(ls -t "$WORK/vmail/taro/new/"* | head -n 1)
	cp "$f" "$WORK/reply"
	openssl cms -verify -CAfile "$CA/root.pem" -in "$WORK/reply" -out "$WORK/reply.txt" 2>"$WORK/verify.log"
}

entity 192.0.80.0/24 MAINT-A >"$WORK/e2e.body"
{ headers e2e "route 192.0.80.0/24"; openssl smime -sign -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -in "$WORK/e2e.body"; } >"$WORK/e2e.eml"
swaks --server "127.0.0.1:$PORT" --from taro@example.jp --to auto-dbm@registry.example --data "$WORK/e2e.eml" >"$WORK/swaks.log" 2>&1
check "swaks handed the signed message to Postfix" grep -q "250 2.0.0 Ok: queued" "$WORK/swaks.log"
check "the reply arrived in the sender's mailbox through Postfix" wait_mail "$WORK/vmail/taro" 1
newest_reply
check "end to end: the reply's signature verifies (openssl cms -verify)" grep -q "CMS Verification successful" "$WORK/verify.log"
check "end to end: SUCCESS" grep -qx "Subject: SUCCESS: route 192.0.80.0/24" "$WORK/reply"
check "end to end: the report" grep -qF "Create SUCCEEDED: [route] 192.0.80.0/24AS64500" "$WORK/reply.txt"
check "end to end: the route is in the database" sh -c "$BIN/irrctl -c $CONF show route 192.0.80.0/24AS64500 >/dev/null"
check "Postfix delivered through the pipe transport (status=sent)" grep -q "relay=irrmail, .*status=sent" "$WORK/maillog"

entity 198.51.80.0/24 MAINT-B >"$WORK/e2e-b.body"
{ headers e2e-b "route 198.51.80.0/24"; openssl smime -sign -signer "$WORK/reg.pem" -inkey "$WORK/reg.key" -in "$WORK/e2e-b.body"; } >"$WORK/e2e-b.eml"
swaks --server "127.0.0.1:$PORT" --from taro@example.jp --to auto-dbm@registry.example --data "$WORK/e2e-b.eml" >"$WORK/swaks.log" 2>&1
check "refused update: reply arrived" wait_mail "$WORK/vmail/taro" 2
newest_reply
check "end to end, A on B: FAILED with the reason" sh -c "grep -qx 'Subject: FAILED: route 198.51.80.0/24' $WORK/reply && grep -qF 'not authenticated by: MAINT-B' $WORK/reply.txt"
check "end to end, A on B: the maintainer's upd-to was told through Postfix" wait_mail "$WORK/vmail/b" 1

# A bounce (null sender) reaches the gateway and is not answered: no mail loop.
printf 'From: MAILER-DAEMON@mx.example.jp\nTo: auto-dbm@registry.example\nSubject: Undelivered Mail\nMessage-ID: <bounce@mx.example.jp>\n\nreturned\n' >"$WORK/bounce.eml"
swaks --server "127.0.0.1:$PORT" --from '' --to auto-dbm@registry.example --data "$WORK/bounce.eml" >"$WORK/swaks.log" 2>&1
i=0; while ! grep -q "bounce@mx.example.jp" "$WORK/maillog" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
i=0; while [ "$(grep -c 'relay=irrmail, .*status=sent' "$WORK/maillog")" -lt 3 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
check "a bounce is delivered to the gateway and not answered" test "$(ls "$WORK/vmail/taro/new" | wc -l)" = 2
check "no mail is stuck in the queue" sh -c "test -z \"\$(postqueue -c $PF -p | grep -v 'Mail queue is empty')\""
