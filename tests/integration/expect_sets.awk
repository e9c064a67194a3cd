# Independent expectation for the bgpq tests: reads RPSL fixture files and prints
# the distinct prefixes (of family FAMILY, 4 or 6) of routes whose origin is in
# the recursive expansion of as-set SET. Handles members lists and continuation
# lines; deliberately nothing clever (no mbrs-by-ref): use sets without them.
#   awk -v SET=AS-EXAMPLE -v FAMILY=4 -f expect_sets.awk demo/jpirr.db ...
function flush() {
	if (cls == "as-set") members[key] = members[key] " " vals
	if ((cls == "route" && FAMILY == 4) || (cls == "route6" && FAMILY == 6))
		routes[origin] = routes[origin] " " key
	cls = ""; key = ""; vals = ""; origin = ""; attr = ""
}
function expand(name,    n, parts, i, m) {
	if (name in seen) return
	seen[name] = 1
	n = split(members[name], parts, /[ ,]+/)
	for (i = 1; i <= n; i++) {
		m = toupper(parts[i])
		if (m == "") continue
		if (m ~ /^AS[0-9]+$/) asns[m] = 1
		else expand(m)
	}
}
/^[#%]/ { next }
/^[ \t]*$/ { flush(); next }
/^[ \t+]/ { if (attr == "members") { v = $0; sub(/^[ \t+]+/, "", v); sub(/#.*/, "", v); vals = vals " " v }; next }
{
	attr = tolower(substr($0, 1, index($0, ":") - 1))
	v = substr($0, index($0, ":") + 1); sub(/#.*/, "", v); gsub(/^[ \t]+|[ \t]+$/, "", v)
	if (cls == "") { cls = attr; key = toupper(v) }
	if (attr == "members") vals = vals " " v
	if (attr == "origin") origin = toupper(v)
}
END {
	flush()
	expand(toupper(SET))
	for (a in asns) { n = split(routes[a], ps, " "); for (i = 1; i <= n; i++) if (ps[i] != "") out[tolower(ps[i])] = 1 }
	for (p in out) print p
}
