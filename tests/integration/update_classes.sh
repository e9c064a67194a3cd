# Create, modify and delete through the update engine for every one of the 17
# classes, each change checked in the report and in whois (RIPE -r -B query).
. tests/lib.sh

BCRYPT=$(mkpasswd -m bcrypt classes)
write_config "$WORK/irr.conf" "$WORK/irr.db" JPIRR "authlist.unallocated = allow" "whois.listen = 127.0.0.1:0" \
	"mail.sendmail = sh $REPO/tests/capture-mail.sh $WORK/mail"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source JPIRR --allow-empty /dev/null >/dev/null 2>&1
check "irrd starts" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"

submit() { "$BIN/irrctl" -c "$WORK/irr.conf" submit "$@" >"$WORK/report" 2>&1; echo $? >"$WORK/rc"; }
says() { grep -qF -- "$1" "$WORK/report"; }
C='admin-c:        CP1-JP
tech-c:         CNOC-JP
mnt-by:         MAINT-CLASSES
source:         JPIRR'

# The three classes the others depend on, in one submission, in the "wrong" order.
submit <<X
role:           Classes NOC
address:        Tokyo
phone:          +81 3 0000 0001
e-mail:         noc@classes.example
admin-c:        CP1-JP
tech-c:         CP1-JP
nic-hdl:        CNOC-JP
mnt-by:         MAINT-CLASSES
source:         JPIRR

person:         Classes Person
address:        Tokyo
phone:          +81 3 0000 0000
nic-hdl:        CP1-JP
mnt-by:         MAINT-CLASSES
source:         JPIRR

mntner:         MAINT-CLASSES
descr:          maintains every class
admin-c:        CP1-JP
upd-to:         upd@classes.example
auth:           BCRYPT-PW $BCRYPT
mnt-by:         MAINT-CLASSES
source:         JPIRR

password: classes
X
for c in "role] CNOC-JP" "person] CP1-JP" "mntner] MAINT-CLASSES"; do
	check "create [$c" says "Create SUCCEEDED: [$c"
done

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/k.key" -out "$WORK/k.pem" \
	-subj "/CN=classes" -days 30 2>/dev/null

# body CLASS: a valid object of that class (without the shared contact lines).
body() {
	case $1 in
	as-block) printf 'as-block:       AS64496 - AS64511\ndescr:          documentation ASNs\n' ;;
	aut-num) printf 'aut-num:        AS64496\nas-name:        CLASSES-AS\nimport:         from AS64497 accept ANY\nexport:         to AS64497 announce AS64496\n' ;;
	as-set) printf 'as-set:         AS-CLASSES\nmembers:        AS64496, AS64497\n' ;;
	route-set) printf 'route-set:      RS-CLASSES\nmembers:        192.0.2.0/24^+\nmp-members:     2001:db8::/32^48\n' ;;
	filter-set) printf 'filter-set:     FLTR-CLASSES\nfilter:         { 192.0.2.0/24^+ }\n' ;;
	peering-set) printf 'peering-set:    PRNG-CLASSES\npeering:        AS64497 at 192.0.2.1\n' ;;
	rtr-set) printf 'rtr-set:        RTRS-CLASSES\nmembers:        rtr1.classes.example\n' ;;
	inet-rtr) printf 'inet-rtr:       rtr1.classes.example\nlocal-as:       AS64496\nifaddr:         192.0.2.1 masklen 30\n' ;;
	inetnum) printf 'inetnum:        192.0.2.0 - 192.0.2.255\nnetname:        CLASSES-NET\ncountry:        JP\nstatus:         ASSIGNED PA\n' ;;
	inet6num) printf 'inet6num:       2001:db8::/32\nnetname:        CLASSES-V6\ncountry:        JP\nstatus:         ASSIGNED\n' ;;
	route) printf 'route:          192.0.2.0/24\ndescr:          classes\norigin:         AS64496\n' ;;
	route6) printf 'route6:         2001:db8::/32\ndescr:          classes\norigin:         AS64496\n' ;;
	organisation) printf 'organisation:   ORG-CLS1-JP\norg-name:       Classes K.K.\norg-type:       OTHER\naddress:        Tokyo\ne-mail:         org@classes.example\n' ;;
	key-cert) printf 'key-cert:       X509-1\n'; sed 's/^/certif:         /' "$WORK/k.pem" ;;
	esac
}
key_of() {
	case $1 in
	as-block) echo "AS64496 - AS64511" ;; aut-num) echo AS64496 ;; as-set) echo AS-CLASSES ;;
	route-set) echo RS-CLASSES ;; filter-set) echo FLTR-CLASSES ;; peering-set) echo PRNG-CLASSES ;;
	rtr-set) echo RTRS-CLASSES ;; inet-rtr) echo rtr1.classes.example ;; inetnum) echo "192.0.2.0 - 192.0.2.255" ;;
	inet6num) echo 2001:db8::/32 ;; route) echo 192.0.2.0/24AS64496 ;; route6) echo 2001:db8::/32AS64496 ;;
	organisation) echo ORG-CLS1-JP ;; key-cert) echo X509-1 ;;
	esac
}
whois_key() {
	case $1 in route) echo 192.0.2.0/24 ;; route6) echo 2001:db8::/32 ;; as-block) echo AS64496-AS64511 ;;
	inetnum) echo 192.0.2.0/24 ;; *) key_of "$1" ;; esac
}
in_whois() { whois_raw "-r -B -T $1 $(whois_key "$1")\n" | grep -c "^remarks: *$2"; }

CLASSES="as-block aut-num as-set route-set filter-set peering-set rtr-set inet-rtr inetnum inet6num route route6 organisation key-cert"
for cls in $CLASSES; do
	key=$(key_of "$cls")
	{ body "$cls"; printf 'remarks:        first\n%s\n\npassword: classes\n' "$C"; } | submit
	check "$cls: Create SUCCEEDED" says "Create SUCCEEDED: [$cls] $key"
	check "$cls: created object in whois" test "$(in_whois "$cls" first)" -eq 1
	{ body "$cls"; printf 'remarks:        second\n%s\n\npassword: classes\n' "$C"; } | submit
	check "$cls: Modify SUCCEEDED" says "Modify SUCCEEDED: [$cls] $key"
	check "$cls: modified object in whois" test "$(in_whois "$cls" second)" -eq 1
done
# Deleted in reverse: route objects before the address space, sets before their members.
for cls in key-cert organisation route6 route inet6num inetnum inet-rtr rtr-set peering-set filter-set route-set as-set aut-num as-block; do
	key=$(key_of "$cls")
	{ body "$cls"; printf 'remarks:        second\n%s\ndelete:         class test done\n\npassword: classes\n' "$C"; } | submit
	check "$cls: Delete SUCCEEDED" says "Delete SUCCEEDED: [$cls] $key"
	check "$cls: gone from whois" test "$(in_whois "$cls" second)" -eq 0
done
{ body route; printf 'remarks:        second\n%s\ndelete:         twice\n\npassword: classes\n' "$C"; } | submit
check "delete of an object that is gone refused (verbatim)" \
	says '***Error:   Object [route] 192.0.2.0/24AS64496 does not exist and cannot be deleted'

for f in person role mntner; do "$BIN/irrctl" -c "$WORK/irr.conf" show "$f" \
	"$(case $f in person) echo CP1-JP ;; role) echo CNOC-JP ;; mntner) echo MAINT-CLASSES ;; esac)"; echo; done |
	grep -v '^created:\|^last-modified:' | sed 's/^source:.*/&\ndelete:         done/' >"$WORK/contacts"
{ cat "$WORK/contacts"; printf '\npassword: classes\n'; } | submit
check "person, role and maintainer deleted together (they reference each other)" says "Number of objects processed successfully:  3"
check "the source is empty again" test "$(count_objects "$WORK/irr.db" JPIRR)" -eq 0
