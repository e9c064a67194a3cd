# Answers over several sources (issue 14 review): objects of every source are kept,
# a source named twice in !s or -s is asked once.
. tests/lib.sh

# Two sources with the same maintainer name and 400 routes each: the seen-set once
# keyed objects by id and the source name's address, so some of the second
# source's objects collided and vanished from !o and !r.
for src in SRCA SRCB; do
	{
		printf 'mntner: MNT-COLL\ndescr: x\nadmin-c: PC1-%s\ntech-c: PC1-%s\nupd-to: noc@example.net\n' "$src" "$src"
		printf 'auth: BCRYPT-PW $2b$12$0000000000000000000000\nmnt-by: MNT-COLL\nsource: %s\n\n' "$src"
		awk -v src="$src" 'BEGIN { for (i = 0; i < 400; i++)
			printf "route: 10.%d.%d.0/24\ndescr: r%d\norigin: AS64500\nmnt-by: MNT-COLL\nsource: %s\n\n", i / 256, i % 256, i, src }'
	} >"$WORK/$src.db"
done
write_config "$WORK/irr.conf" "$WORK/irr.db" SRCA "whois.listen = 127.0.0.1:0"
"$BIN/irrctl" -c "$WORK/irr.conf" load --source SRCA "$WORK/SRCA.db" >/dev/null 2>&1
"$BIN/irrctl" -c "$WORK/irr.conf" load --source SRCB "$WORK/SRCB.db" >/dev/null 2>&1
check "irrd starts" start_irrd "$WORK/irr.conf" "$WORK/irrd.log"

count() { whois_raw "$1" | grep -c '^source:'; }
check "!o over two sources: every object of both (802)" test "$(count '!oMNT-COLL\n')" -eq 802
check "!r,M over two sources: every route of both (800)" test "$(count '!r10.0.0.0/8,M\n')" -eq 800
check "-i mnt-by over two sources: 802" test "$(count '-r -i mnt-by MNT-COLL\n')" -eq 802
check "!s with a source twice: asked once (401, not 802)" test "$(count '!!\n!sSRCA,SRCA\n!oMNT-COLL\n!q\n')" -eq 401
check "!s SRCB,SRCA,SRCB: both, each once (802)" test "$(count '!!\n!sSRCB,SRCA,SRCB\n!oMNT-COLL\n!q\n')" -eq 802
check "-s with a source twice: asked once" test "$(count '-r -s SRCB,SRCB -i mnt-by MNT-COLL\n')" -eq 401
check "!s lists the source once" test "$(whois_raw '!!\n!sSRCA,SRCA\n!s-lc\n!q\n')" = "$(printf 'C\nA5\nSRCA\nC')"
stop_irrd "after the source tests" "$WORK/irrd.log"
