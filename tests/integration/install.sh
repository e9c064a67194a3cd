# make install honours PREFIX and DESTDIR.
. tests/lib.sh

BUILD=${BUILD:-build/san}
# Same flags as the tree was built with, so make finds everything up to date.
sanitize=""
[ "$BUILD" = build/san ] && sanitize=1
make -s install BUILD="$BUILD" SANITIZE="$sanitize" PREFIX=/usr DESTDIR="$WORK/root" >"$WORK/out" 2>&1
check "make install succeeds" test $? -eq 0
check "irrd installed under DESTDIR/PREFIX/sbin" test -x "$WORK/root/usr/sbin/irrd"
check "irrctl installed under DESTDIR/PREFIX/sbin" test -x "$WORK/root/usr/sbin/irrctl"
check "irr-mailgate installed under DESTDIR/PREFIX/sbin" test -x "$WORK/root/usr/sbin/irr-mailgate"
"$WORK/root/usr/sbin/irr-mailgate" -V >"$WORK/gate.out" 2>&1
check "installed irr-mailgate runs" grep -q '^irr-mailgate (routereg)' "$WORK/gate.out"
check "mail gateway documentation installed" test -f "$WORK/root/usr/share/doc/routereg/mail.md"
check "documentation installed" test -f "$WORK/root/usr/share/doc/routereg/configuration.md"
"$WORK/root/usr/sbin/irrctl" version >"$WORK/out" 2>&1
check "installed irrctl runs" grep -q '^irrctl (routereg)' "$WORK/out"
check "CRL timer unit installed" test -f "$WORK/root/usr/lib/systemd/system/routereg-crl.timer"
check "CRL service runs the installed irrctl" grep -q '^ExecStart=/usr/sbin/irrctl -c /etc/routereg/routereg.conf ca crl --if-due$' \
	"$WORK/root/usr/lib/systemd/system/routereg-crl.service"
