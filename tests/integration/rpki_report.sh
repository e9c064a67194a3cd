# irrctl rpki report (issue 15, "Correlation"): for an LIR and for a maintainer, the
# routes RPKI-invalid (with the conflicting VRPs), the routes the authorisation list
# verifies that no VRP covers (with the ROA to create, RFC 9319), the list entries
# whose origins disagree with the VRPs covering them and the VRPs in the LIR's
# allocations without a route object; the JSON shape; the refusal before irrd wrote
# its VRPs.
. tests/lib.sh

CONF="$WORK/irr.conf"
# 192.0.2.0/24-24 AS64496: 192.0.2.0/24 valid, 192.0.2.128/25 invalid (too long);
# 198.51.100.0/24-24 AS64497: the route of AS64496 invalid, no route of AS64497;
# 203.0.113.0/24-24 AS64500: no route; 10.0.0.0/8-8 AS64499: a route outside the
# LIR's allocations invalid; 2001:db8::/32 has no VRP (not_found).
vrp_json "192.0.2.0/24 24 64496" "198.51.100.0/24 24 64497" "203.0.113.0/24 24 64500" \
	"10.0.0.0/8 8 64499" >"$WORK/vrps.json"
write_config "$CONF" "$WORK/irr.db" JPIRR "whois.listen = 127.0.0.1:0" "authlist.unallocated = allow" \
	"mail.sendmail = /bin/true" "rpki.vrp_file = $WORK/vrps.json"
route() {
	printf 'route%s:%s%s\ndescr:          test\norigin:         %s\nmnt-by:         %s\nsource:         JPIRR\n\n' \
		"$4" "$5" "$1" "$2" "$3"
}
{
	for m in MAINT-A MAINT-B; do
		printf 'mntner:         %s\ndescr:          test\nadmin-c:        TY1-JP\nupd-to:         a@example.jp\nauth:           MAIL-FROM a@example.jp\nmnt-by:         %s\nsource:         JPIRR\n\n' "$m" "$m"
	done
	printf 'person:         Taro Yamada\naddress:        Tokyo\nphone:          +81 3 0000 0000\nnic-hdl:        TY1-JP\nmnt-by:         MAINT-A\nsource:         JPIRR\n\n'
	route 192.0.2.0/24 AS64496 MAINT-A "" "          "
	route 192.0.2.128/25 AS64496 MAINT-A "" "          "
	route 198.51.100.0/24 AS64496 MAINT-B "" "          "
	route 10.0.0.0/8 AS64496 MAINT-A "" "          "
	route 2001:db8:1000::/36 AS64496 MAINT-A 6 "         "
	route 2001:db8:2000::/36 AS64496 MAINT-B 6 "         "
} >"$WORK/reg.db"
irrctl() { "$BIN/irrctl" -c "$CONF" "$@"; }
check "the registry loads" sh -c "'$BIN/irrctl' -c '$CONF' load --source JPIRR '$WORK/reg.db' >/dev/null"
irrctl lir add --id LIR-A --name "LIR A" --email a@example.jp >/dev/null
for b in 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24 2001:db8::/32; do
	irrctl alloc add --lir LIR-A --prefix $b --status allocated >/dev/null
done
# #1 agrees with its VRP; #2 lists AS64496 where the VRP says AS64497; #3 any origin
irrctl authlist add --as-lir LIR-A --prefix 192.0.2.0/24 --action allow --mntner MAINT-A --origins AS64496 >/dev/null
irrctl authlist add --as-lir LIR-A --prefix 198.51.100.0/24 --action allow --mntner MAINT-B --origins AS64496 >/dev/null
irrctl authlist add --as-lir LIR-A --prefix 2001:db8:1000::/36 --action allow --mntner MAINT-A >/dev/null
check "the entries mark four routes" test "$(irrctl authlist routes --verified | grep -c 'verified by authorisation list entry #')" -eq 4

report() { irrctl rpki report "$@" >"$WORK/out" 2>"$WORK/err"; echo $? >"$WORK/rc"; }
rc_is() { test "$(cat "$WORK/rc")" = "$1"; }
is_out() { test "$(cat "$WORK/out")" = "$(printf "$1")"; }

report --lir LIR-A
check "before irrd wrote its VRPs: exit 1" rc_is 1
check "and says why" grep -qF 'irrd has not written the VRPs in force to the database' "$WORK/err"
check "and writes no report" test ! -s "$WORK/out"

check "irrd starts" start_irrd "$CONF" "$WORK/irrd.log"
i=0
while [ "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_status')" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "irrd writes the 4 VRPs to the database" test "$(sqlite3 "$WORK/irr.db" 'SELECT count(*) FROM rpki_vrp')" = 4
stop_irrd "after writing the VRPs" "$WORK/irrd.log"

report --lir LIR-A
check "LIR report: exit 0" rc_is 0
check "LIR report: every section with its count and content" is_out 'RPKI report for LIR LIR-A, source JPIRR

RPKI-invalid routes: 2
  192.0.2.128/25 AS64496: conflicting VRPs 192.0.2.0/24-24 AS64496
  198.51.100.0/24 AS64496: conflicting VRPs 198.51.100.0/24-24 AS64497

routes verified by the authorisation list that no VRP covers (not_found): 1
  2001:db8:1000::/36 AS64496 (entry #3): suggested ROA 2001:db8:1000::/36 AS64496, no maxLength

authorisation list entries whose origins disagree with the VRPs covering them: 1
  #2 198.51.100.0/24 MAINT-B: listed without a VRP AS64496; VRPs for unlisted AS64497; VRPs 198.51.100.0/24-24 AS64497

VRPs in the allocations with no route object: 2
  198.51.100.0/24-24 AS64497
  203.0.113.0/24-24 AS64500'

report --mntner MAINT-A
check "maintainer report: its routes only, two sections" is_out 'RPKI report for maintainer MAINT-A, source JPIRR

RPKI-invalid routes: 2
  10.0.0.0/8 AS64496: conflicting VRPs 10.0.0.0/8-8 AS64499
  192.0.2.128/25 AS64496: conflicting VRPs 192.0.2.0/24-24 AS64496

routes verified by the authorisation list that no VRP covers (not_found): 1
  2001:db8:1000::/36 AS64496 (entry #3): suggested ROA 2001:db8:1000::/36 AS64496, no maxLength'
report --mntner MAINT-B
check "MAINT-B: its invalid route; its unverified not_found route is not listed" is_out 'RPKI report for maintainer MAINT-B, source JPIRR

RPKI-invalid routes: 1
  198.51.100.0/24 AS64496: conflicting VRPs 198.51.100.0/24-24 AS64497

routes verified by the authorisation list that no VRP covers (not_found): 0'

report --lir LIR-A --json
check "json: exit 0" rc_is 0
check "json: one array per section, and the scope" \
	test "$(jq -c '[keys, (.entries_disagreeing|type), .lir, .source]' "$WORK/out")" = \
	'[["entries_disagreeing","invalid","lir","not_found","source","vrps_without_route"],"array","LIR-A","JPIRR"]'
check "json: invalid routes with their VRPs" test "$(jq -c '.invalid' "$WORK/out")" = \
	'[{"origin":64496,"prefix":"192.0.2.128/25","vrps":[{"asn":64496,"max_length":24,"prefix":"192.0.2.0/24","ta":"test"}]},{"origin":64496,"prefix":"198.51.100.0/24","vrps":[{"asn":64497,"max_length":24,"prefix":"198.51.100.0/24","ta":"test"}]}]'
check "json: not_found with the suggested ROA (no maxLength)" test "$(jq -c '.not_found' "$WORK/out")" = \
	'[{"entry":3,"origin":64496,"prefix":"2001:db8:1000::/36","suggested_roa":{"asn":64496,"max_length":null,"prefix":"2001:db8:1000::/36"}}]'
check "json: the disagreeing entry" test "$(jq -c '.entries_disagreeing' "$WORK/out")" = \
	'[{"entry":2,"mntner":"MAINT-B","origins":[64496],"origins_without_vrp":[64496],"prefix":"198.51.100.0/24","vrp_origins_not_listed":[64497],"vrps":[{"asn":64497,"max_length":24,"prefix":"198.51.100.0/24","ta":"test"}]}]'
check "json: VRPs without a route" test "$(jq -c '[.vrps_without_route[] | "\(.prefix)-\(.max_length) AS\(.asn)"]' "$WORK/out")" = \
	'["198.51.100.0/24-24 AS64497","203.0.113.0/24-24 AS64500"]'
report --mntner MAINT-A --json
check "json for a maintainer: two sections" \
	test "$(jq -c '[keys, (.invalid|length), (.not_found|length)]' "$WORK/out")" = '[["invalid","mntner","not_found","source"],2,1]'

report --lir LIR-NONE
check "an unknown LIR: exit 1 with a message" sh -c "test $(cat "$WORK/rc") = 1 && grep -qF 'no LIR \"LIR-NONE\"' '$WORK/err'"
report --mntner MAINT-NONE
check "an unknown maintainer: exit 1 with a message" sh -c "test $(cat "$WORK/rc") = 1 && grep -qF 'no maintainer \"MAINT-NONE\" in JPIRR' '$WORK/err'"
report --lir LIR-A --mntner MAINT-A
check "--lir and --mntner together: usage error (exit 2)" rc_is 2
report
check "neither: usage error (exit 2)" rc_is 2
irrctl rpki nonsense >/dev/null 2>&1; echo $? >"$WORK/rc"
check "an unknown rpki command: exit 2" rc_is 2
