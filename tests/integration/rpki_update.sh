# RPKI on updates (issue 15): irrd writes the VRPs in force to the database; irrctl
# submit refuses creating or modifying an RPKI-invalid route of our source and lists
# the VRPs it conflicts with, accepts a valid one, warns about one no ROA covers
# (suggesting the ROA, RFC 9319), always lets a delete through, and with
# rpki.reject_invalid_updates = no accepts an invalid one with a warning.
. tests/lib.sh

BCRYPT=$(mkpasswd -m bcrypt s3cret)
printf '{ "roas": [\n  { "asn": 64496, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "test" },\n  { "asn": 64497, "prefix": "198.51.100.0/24", "maxLength": 24, "ta": "test" }\n] }\n' >"$WORK/vrps.json"
write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "authlist.unallocated = allow" \
	"rpki.vrp_file = $WORK/vrps.json" "rpki.refresh_interval = 1" "mail.sendmail = /bin/true"
{
	printf 'mntner:         MAINT-R\ndescr:          x\nadmin-c:        RP1-JP\nupd-to:         r@example.jp\n'
	printf 'auth:           BCRYPT-PW %s\nmnt-by:         MAINT-R\nsource:         JPIRR\n\n' "$BCRYPT"
	printf 'person:         R P\naddress:        Tokyo\nphone:          +81 3 0000 0000\nnic-hdl:        RP1-JP\nmnt-by:         MAINT-R\nsource:         JPIRR\n'
} >"$WORK/base.db"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR "$WORK/base.db" >/dev/null 2>&1
check "irrd starts and writes its VRPs to the database" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"
check "the VRP table holds the set in force" test "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_vrp')" -eq 2

submit() { "$BIN/irrctl" -c "$1" submit >"$WORK/report" 2>&1; echo $? >"$WORK/rc"; }
route() { printf 'route:          %s\ndescr:          %s\norigin:         %s\nmnt-by:         MAINT-R\nsource:         JPIRR\n\npassword: s3cret\n' "$@"; }

route 198.51.100.0/25 x AS64496 | submit "$WORK/irr.conf"
check "an RPKI-invalid create is refused" rc_is 1
check "the refusal starts with IRRd's sentence" says 'RPKI ROAs were found that conflict with this object. RPKI-invalid: 198.51.100.0/25'
check "the refusal lists the conflicting VRPs" says 'RPKI-invalid: 198.51.100.0/25 AS64496 conflicts with the ROAs covering it: 198.51.100.0/24-24 AS64497'
route 192.0.2.0/24 x AS64496 | submit "$WORK/irr.conf"
check "a valid create is accepted" rc_is 0
check "without an RPKI warning" lacks 'RPKI'
route 203.0.113.0/24 x AS64496 | submit "$WORK/irr.conf"
check "a create no ROA covers is accepted" rc_is 0
check "with a warning suggesting the ROA (RFC 9319)" says 'RPKI: no ROA covers 203.0.113.0/24 (not_found); publish one for 203.0.113.0/24 with origin AS64496'

# A ROA published after the route was made: the route is now invalid. Modifying it
# is refused; deleting it works.
printf '{ "roas": [\n  { "asn": 64497, "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "test" },\n  { "asn": 64496, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "test" }\n] }\n' >"$WORK/vrps.new"
mv "$WORK/vrps.new" "$WORK/vrps.json"
i=0
while [ "$(sqlite3 "$WORK/irr.db" "SELECT count(*) FROM rpki_vrp WHERE asn = 64497 AND length = 24 AND first = x'CB007100'")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "irrd writes a changed VRP set to the database ($((i / 10)).$((i % 10)) s)" test $i -lt 100
route 203.0.113.0/24 changed AS64496 | submit "$WORK/irr.conf"
check "modifying a route a new ROA made invalid is refused" says 'RPKI-invalid: 203.0.113.0/24 AS64496 conflicts with the ROAs covering it: 203.0.113.0/24-24 AS64497'
{ "$BIN/irrctl" -c "$WORK/irr.conf" show route 203.0.113.0/24AS64496 | grep -v '^created\|^last-modified'; printf 'delete:         gone\n\npassword: s3cret\n'; } >"$WORK/del.txt"
"$BIN/irrctl" -c "$WORK/irr.conf" submit <"$WORK/del.txt" >"$WORK/report" 2>&1
check "deleting an RPKI-invalid route works" says 'Delete SUCCEEDED: [route] 203.0.113.0/24AS64496'

write_config "$WORK/soft.conf" "$WORK/irr.db" JPIRR "authlist.unallocated = allow" "mail.sendmail = /bin/true" \
	"rpki.vrp_file = $WORK/vrps.json" "rpki.reject_invalid_updates = no"
route 203.0.113.0/24 x AS64496 | submit "$WORK/soft.conf"
check "rpki.reject_invalid_updates = no: accepted" rc_is 0
check "with the conflict as a warning" says '(accepted: rpki.reject_invalid_updates = no)'
stop_irrd "after the RPKI update tests" "$WORK/irrd.log"

printf 'route:          198.51.100.128/25\ndescr:          x\norigin:         AS64496\nmnt-by:         MAINT-R\nsource:         JPIRR\nrpki-ov-state:  invalid\n\npassword: s3cret\n' >"$WORK/resubmit.txt"
write_config "$WORK/off.conf" "$WORK/irr.db" JPIRR "authlist.unallocated = allow" "mail.sendmail = /bin/true"
"$BIN/irrctl" -c "$WORK/off.conf" submit <"$WORK/resubmit.txt" >"$WORK/report" 2>&1
check "without RPKI configured nothing is checked; an rpki-ov-state line is dropped silently" \
	sh -c "grep -qF 'Create SUCCEEDED: [route] 198.51.100.128/25AS64496' '$WORK/report' && ! sqlite3 '$WORK/irr.db' \"SELECT text FROM objects WHERE pkey = '198.51.100.128/25AS64496'\" | grep -q rpki"
