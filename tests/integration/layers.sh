# The layers hold (docs/architecture.md): a folder compiled with its own include
# paths cannot include a header of a layer it may not use. For every layer and every
# layer it may not use, a one-line file including one of that layer's headers must
# fail to compile with the first layer's flags; including its own headers and those
# of the layers it uses must work. The map comes from the Makefile ($BUILD/layers.map).
set -u
: "${BUILD:=build/san}"
: "${CC:=cc}"
map="$BUILD/layers.map"
[ -s "$map" ] || { echo "not ok - layer map $map missing (make tests writes it)"; exit 1; }
CFLAGS_ALL=$(pkg-config --cflags sqlite3 openssl jansson gpgme 2>/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
layers=$(cut -d' ' -f1 "$map")
# one_header LAYER: a header of that layer (its face: the first in name order)
one_header() { ls "$1"/*.h 2>/dev/null | head -n 1 | xargs -r basename; }
# compiles LAYER HEADER: does `#include "HEADER"` compile with LAYER's include paths?
compiles() {
	flags=""
	for d in $(grep "^$1 " "$map" | cut -d' ' -f1-); do flags="$flags -I$d"; done
	printf '#include "%s"\nint layer_probe;\n' "$2" >"$tmp/probe.c"
	$CC -std=gnu11 -D_GNU_SOURCE $CFLAGS_ALL $flags -fsyntax-only "$tmp/probe.c" >"$tmp/out" 2>&1
}
bad=0
pairs=0
for l in $layers; do
	uses=" $(grep "^$l " "$map" | cut -d' ' -f2-) "
	for m in $layers; do
		h=$(one_header "$m")
		[ -n "$h" ] || continue
		if [ "$m" = "$l" ] || [ "${uses#* $m }" != "$uses" ]; then
			continue
		fi
		pairs=$((pairs + 1))
		if compiles "$l" "$h"; then
			echo "not ok - $l may not include $m ($h), but it compiles"
			bad=$((bad + 1))
		fi
	done
	h=$(one_header "$l")
	if [ -n "$h" ]; then
		if compiles "$l" "$h"; then echo "ok - $l compiles with its own header $h"; else
			echo "not ok - $l cannot include its own header $h"; sed 's/^/#   /' "$tmp/out" | head -5; fi
	fi
done
if [ $bad -eq 0 ]; then echo "ok - $pairs wrong-way includes tried, none compiles"; fi
# The two dependencies that pointed the wrong way before the layers (issue 13).
grep -l '#include "whois' irrd/daemon/*.c >/dev/null && echo "ok - irrd/daemon (a program) includes whois (a layer below it)"
if grep -rl '#include "whois\|#include "ca_cli\|#include "ca_key' irrd/base irrd/rpsl irrd/conf irrd/store irrd/sig \
	irrd/query irrd/update irrd/authlist irrd/event >/dev/null 2>&1; then
	echo "not ok - a library layer of irrd/ includes whois/ or the CA's key half"
else
	echo "ok - no library layer of irrd/ includes whois/ or the CA's key half"
fi
