# Maintainer takeovers and guessing (issue 12, "authentication and replay"):
#  1. a key-cert a maintainer's auth: names cannot be deleted, and a maintainer left
#     naming a missing key-cert is not satisfiable by a key-cert someone else creates;
#  2. a copy of a victim's certificate in another key-cert neither locks the victim
#     out nor gets accepted;
#  6. a password hash is used only in the format its label promises;
#  7. password lines per submission are capped and failed guesses rate-limited.
. tests/lib.sh

VICTIM_PW=$(mkpasswd -m bcrypt victim-secret)
EVIL_PW=$(mkpasswd -m bcrypt evil-secret)
MD5_UNDER_BCRYPT=$(mkpasswd -m md5crypt pw)
DES_UNDER_BCRYPT=$(mkpasswd -m descrypt pw)
write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "authlist.unallocated = allow" "mail.sendmail = /bin/true" \
	"auth.md5_pw = disable" "auth.crypt_pw = disable" "auth.password_failures_per_hour = 6" \
	"auth.override_hash = $(mkpasswd -m bcrypt staff)"

# certificates: the victim's, the attacker's (self-signed is fine for pinned key-certs)
cert() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/$1.key" -out "$WORK/$1.pem" \
	-subj "/O=Example/CN=$1" -days 30 2>/dev/null; }
cert victim
cert evil
certif() { sed 's/^/certif:         /' "$1"; }

cat >"$WORK/base.db" <<X
mntner:         MAINT-VICTIM
descr:          relies on its key-certs
admin-c:        VP1-JP
upd-to:         victim@example.jp
auth:           X509-5
auth:           X509-9
auth:           BCRYPT-PW $VICTIM_PW
mnt-by:         MAINT-VICTIM
source:         JPIRR

mntner:         MAINT-EVIL
descr:          the attacker's own maintainer
admin-c:        VP1-JP
upd-to:         evil@example.net
auth:           BCRYPT-PW $EVIL_PW
mnt-by:         MAINT-EVIL
source:         JPIRR

mntner:         MAINT-WEAK
descr:          hashes under the wrong label, from an old dump
admin-c:        VP1-JP
upd-to:         weak@example.jp
auth:           BCRYPT-PW $MD5_UNDER_BCRYPT
auth:           BCRYPT-PW $DES_UNDER_BCRYPT
mnt-by:         MAINT-WEAK
source:         JPIRR

person:         Victim Person
address:        Tokyo
phone:          +81 3 0000 0000
nic-hdl:        VP1-JP
mnt-by:         MAINT-VICTIM
source:         JPIRR

key-cert:       X509-5
$(certif "$WORK/victim.pem")
admin-c:        VP1-JP
mnt-by:         MAINT-VICTIM
source:         JPIRR
X
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR "$WORK/base.db" >/dev/null 2>&1

submit() { submit_with "$WORK/irr.conf" "$@"; }
q() { sqlite3 "$WORK/irr.db" "$1"; }
route() { printf 'route:          %s\ndescr:          %s\norigin:         AS64500\nmnt-by:         %s\nsource:         JPIRR\n' "$@"; }
signed_by() { openssl cms -sign -signer "$WORK/$1.pem" -inkey "$WORK/$1.key" -nodetach -outform PEM; }
keycert() {
	printf 'key-cert:       %s\n' "$1"
	certif "$2"
	printf 'admin-c:        VP1-JP\nmnt-by:         %s\nsource:         JPIRR\n' "$3"
}

route 192.0.2.0/24 victim MAINT-VICTIM | signed_by victim | submit
check "the victim's certificate authenticates MAINT-VICTIM through X509-5" says "Create SUCCEEDED: [route] 192.0.2.0/24AS64500"

# ---- 1. takeover through a deleted key-cert ----
{ keycert X509-5 "$WORK/victim.pem" MAINT-VICTIM; printf 'delete:         cleanup\n\npassword: victim-secret\n'; } | submit
check "takeover through deleted key-cert: deleting a key-cert that auth: names is refused" rc_is 1
check "... with the reason (verbatim)" \
	says '***Error:   Object [key-cert] X509-5 is still referenced by [mntner] MAINT-VICTIM (in "auth:") and cannot be deleted'
check "... and the key-cert is still there" test "$(q "SELECT count(*) FROM objects WHERE pkey = 'X509-5'")" -eq 1

# MAINT-VICTIM was loaded naming X509-9, which does not exist: the attacker creates it.
{ keycert X509-9 "$WORK/evil.pem" MAINT-EVIL; printf '\npassword: evil-secret\n'; } | submit
check "takeover through a missing key-cert: creating it under another maintainer is refused" rc_is 1
check "... with the reason (verbatim)" \
	says '            MAINT-VICTIM names this key-cert in "auth:" and did not authorise creating it'
check "... and X509-9 does not exist" test "$(q "SELECT count(*) FROM objects WHERE pkey = 'X509-9'")" -eq 0
route 192.0.2.0/24 taken MAINT-VICTIM | signed_by evil | submit
check "... so the attacker's certificate does not authenticate MAINT-VICTIM" says "not authenticated by: MAINT-VICTIM"
# The same with the help of a failing object after it: order must not matter.
{ keycert X509-9 "$WORK/evil.pem" MAINT-EVIL; printf '\nmntner:         MAINT-VICTIM\nsource:         JPIRR\n\npassword: evil-secret\n'; } | submit
check "takeover through a missing key-cert, with a failing version of the victim after it: still refused" \
	says '            MAINT-VICTIM names this key-cert in "auth:" and did not authorise creating it'
check "... and X509-9 still does not exist" test "$(q "SELECT count(*) FROM objects WHERE pkey = 'X509-9'")" -eq 0
{ keycert X509-5 "$WORK/victim.pem" MAINT-VICTIM; printf 'delete:         gone\n\n'
  printf 'mntner:         MAINT-VICTIM\nsource:         JPIRR\n\npassword: victim-secret\n'; } | submit
check "takeover through deleted key-cert, with a failing version of the victim after it: the delete is refused" \
	says '***Error:   Object [key-cert] X509-5 is still referenced by [mntner] MAINT-VICTIM (in "auth:") and cannot be deleted'
{ printf 'mntner:         MAINT-VICTIM\ndescr:          x\nadmin-c:        VP1-JP\nupd-to:         victim@example.jp\nauth:           BCRYPT-PW %s\nmnt-by:         MAINT-NOPE\nsource:         JPIRR\n\n' "$VICTIM_PW"
  keycert X509-5 "$WORK/victim.pem" MAINT-VICTIM; printf 'delete:         gone\n\npassword: victim-secret\n'; } | submit
check "... and so is the delete beside a maintainer change that fails for another reason" \
	says 'is still referenced by [mntner] MAINT-VICTIM (in "auth:") and cannot be deleted'
printf 'person:         Helper Person\naddress:        Tokyo\nphone:          +81 3 0000 0002\nnic-hdl:        HP9-JP\nmnt-by:         MAINT-EVIL\nsource:         JPIRR\n\npassword: evil-secret\n' | submit
printf 'aut-num:        AS64999\nas-name:        VICTIM\nadmin-c:        HP9-JP\ntech-c:        VP1-JP\nmnt-by:         MAINT-WEAK\nsource:         JPIRR\n\noverride: staff\n' | submit
{ printf 'person:         Helper Person\naddress:        Tokyo\nphone:          +81 3 0000 0002\nnic-hdl:        HP9-JP\nmnt-by:         MAINT-EVIL\nsource:         JPIRR\ndelete:         x\n\n'
  printf 'aut-num:        AS64999\nas-name:        VICTIM\nadmin-c:        HP9-JP\ntech-c:        VP1-JP\nmnt-by:         MAINT-WEAK\nsource:         JPIRR\ndelete:         x\n\npassword: evil-secret\n'; } | submit
check "a referenced person deleted beside a failing delete of its referrer is refused (order does not matter)" \
	says "***Error:   Object [person] HP9-JP is still referenced by [aut-num] AS64999 and cannot be deleted"

# the maintainer that names it may create it
{ keycert X509-9 "$WORK/victim.pem" MAINT-VICTIM; printf '\npassword: victim-secret\n'; } | submit
check "the maintainer naming X509-9 may create it" says "Create SUCCEEDED: [key-cert] X509-9"
# once its maintainer drops the reference, the key-cert can go (both in one submission)
{ printf 'mntner:         MAINT-VICTIM\ndescr:          relies on its key-certs\nadmin-c:        VP1-JP\nupd-to:         victim@example.jp\nauth:           X509-5\nauth:           BCRYPT-PW %s\nmnt-by:         MAINT-VICTIM\nsource:         JPIRR\n\n' "$VICTIM_PW"
  keycert X509-9 "$WORK/victim.pem" MAINT-VICTIM; printf 'delete:         no longer used\n\npassword: victim-secret\n'; } | submit
check "dropping the auth: line and deleting the key-cert together works" says "Delete SUCCEEDED: [key-cert] X509-9"

# ---- 2. X.509 lockout through a copied certificate ----
{ keycert X509-1 "$WORK/victim.pem" MAINT-EVIL; printf '\npassword: evil-secret\n'; } | submit
check "X.509 lockout: a copy of another maintainer's certificate is refused" rc_is 1
check "... with the reason (verbatim)" \
	says '***Error:   The certificate in "certif:" is already in key-cert X509-5; another key-cert may hold it'
check "... naming whose authorisation it needs" says '            only with the authorisation of X509-5'"'"'s maintainers (MAINT-VICTIM)'
# a copy planted before this rule (a dump, a mirror): the victim still authenticates
{ keycert X509-1 "$WORK/victim.pem" MAINT-EVIL; } >"$WORK/planted.db"
sqlite3 "$WORK/irr.db" "SELECT text FROM objects WHERE source_id = (SELECT id FROM sources WHERE name = 'JPIRR')" |
	awk 'BEGIN { RS = "" } { print; print "" }' >"$WORK/all.db"
cat "$WORK/planted.db" >>"$WORK/all.db"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR "$WORK/all.db" >/dev/null 2>&1
check "a planted copy X509-1 exists beside X509-5" test "$(q "SELECT count(*) FROM objects WHERE pkey IN ('X509-1', 'X509-5')")" -eq 2
route 192.0.2.0/24 still-mine MAINT-VICTIM | signed_by victim | submit
check "X.509 lockout: the victim's signature still authenticates MAINT-VICTIM" says "Modify SUCCEEDED: [route] 192.0.2.0/24AS64500"
check "... and the audit says which key-cert counted" \
	test "$(q "SELECT count(*) FROM audit WHERE pkey = '192.0.2.0/24AS64500' AND identity LIKE '%X509-1, X509-5%as X509-5%'")" -eq 1

# ---- 6. password policy by label only ----
printf 'route:          198.51.100.0/24\ndescr:          x\norigin:         AS64500\nmnt-by:         MAINT-WEAK\nsource:         JPIRR\n\npassword: pw\n' | submit
check "password policy by label: an MD5 or DES hash under BCRYPT-PW does not authenticate" says "not authenticated by: MAINT-WEAK"
HASH_MD5=$(mkpasswd -m md5crypt x)
printf 'mntner:         MAINT-NEWWEAK\ndescr:          x\nadmin-c:        VP1-JP\nupd-to:         w@example.jp\nauth:           BCRYPT-PW %s\nmnt-by:         MAINT-NEWWEAK\nsource:         JPIRR\n\npassword: x\n' "$HASH_MD5" | submit
check "password policy by label: adding an MD5 hash labelled BCRYPT-PW is refused (verbatim)" \
	says '***Error:   auth: BCRYPT-PW holds a hash of another kind: a BCRYPT-PW hash must be a bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 characters)'

# ---- 7. password guessing ----
{ route 203.0.113.0/24 guess MAINT-VICTIM; echo; for i in 1 2 3 4 5 6 7 8 9 10 11; do echo "password: guess$i"; done; } | submit
check "unbounded password guessing: more than 10 password lines refuse the submission (verbatim)" \
	says '***Error:   The submission holds 11 different password: lines; at most 10 are accepted'
check "... and nothing is verified or created" test "$(q "SELECT count(*) FROM objects WHERE pkey = '203.0.113.0/24AS64500'")" -eq 0
# the attacks above guessed at MAINT-VICTIM too (and were counted): start this count afresh
q "DELETE FROM auth_failures"
for i in 1 2 3; do
	{ route 203.0.113.0/24 guess MAINT-VICTIM; printf '\npassword: wrong%sa\npassword: wrong%sb\n' $i $i; } | submit
done
check "failed guesses are counted per maintainer" test "$(q "SELECT failures FROM auth_failures WHERE mntner = 'MAINT-VICTIM'")" -eq 6
{ route 203.0.113.0/24 right MAINT-VICTIM; printf '\npassword: victim-secret\n'; } | submit
check "unbounded password guessing: past the limit even the right password is not checked" says "not authenticated by: MAINT-VICTIM"
check "... and the report says why" says "***Warning: Passwords are not checked for MAINT-VICTIM until"
route 203.0.113.0/24 signed MAINT-VICTIM | signed_by victim | submit
check "... while a signature still authenticates the maintainer" says "Create SUCCEEDED: [route] 203.0.113.0/24AS64500"
{ route 198.51.100.0/24 other MAINT-EVIL; printf '\npassword: evil-secret\n'; } | submit
check "... and other maintainers are not affected" says "Create SUCCEEDED: [route] 198.51.100.0/24AS64500"
{ route 192.0.2.0/25 dry MAINT-EVIL; printf '\npassword: not-it\n'; } | submit --dry-run
check "a dry run's failed guesses count too" test "$(q "SELECT failures FROM auth_failures WHERE mntner = 'MAINT-EVIL'")" -eq 1
q "UPDATE auth_failures SET window_start = window_start - 3600 WHERE mntner = 'MAINT-VICTIM'"
{ route 203.0.113.0/24 next-hour MAINT-VICTIM; printf '\npassword: victim-secret\n'; } | submit
check "an hour later the password works again" says "Modify SUCCEEDED: [route] 203.0.113.0/24AS64500"

# ---- 7. the override is a password too ----
for i in 1 2 3 4 5 6 7; do
	{ route 203.0.113.128/25 o MAINT-EVIL; printf '\noverride: guess%s\n' $i; } | submit
done
check "unlimited override guessing: wrong overrides are counted" test "$(q "SELECT failures FROM auth_failures WHERE mntner = '(OVERRIDE)'")" -eq 6
check "... and past the limit the override is not checked (verbatim)" says "***Warning: The override is not checked until"
