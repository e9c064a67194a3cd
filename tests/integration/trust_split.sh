# The internet-facing programs cannot issue certificates (issue 13, "trust split"):
# irrd and irr-mailgate link the CA's verify half only. Their binaries hold no
# function of cert/key (issuing, keys, CRL signing, access keys) and import no
# OpenSSL function that signs certificates or CRLs or writes a private key; irrctl,
# which links the key half, holds them all (the control).
. tests/lib.sh
OBJ=$(dirname "$BIN")/obj
key_symbols() { nm --defined-only "$OBJ"/cert/key/*.o | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u; }
key_symbols >"$WORK/key.syms"
check "the key half defines its functions (ca_issue_from_csr among them)" grep -qx ca_issue_from_csr "$WORK/key.syms"
for prog in irrd irr-mailgate; do
	nm "$BIN/$prog" | awk '{ print $NF }' | sort -u >"$WORK/$prog.syms"
	check "$prog holds no function of the CA's key half" sh -c "! grep -qxF -f $WORK/key.syms $WORK/$prog.syms"
	for f in X509_sign X509_CRL_sign X509_REQ_sign PEM_write_PrivateKey PKCS12_create; do
		check "$prog imports no $f" sh -c "! nm -u $BIN/$prog | grep -qw $f"
	done
done
nm "$BIN/irrctl" | awk '{ print $NF }' | sort -u >"$WORK/irrctl.syms"
check "irrctl, which issues, does hold the key half (control)" grep -qx ca_issue_from_csr "$WORK/irrctl.syms"
check "irrctl imports X509_sign (control)" sh -c "nm -u $BIN/irrctl | grep -qw X509_sign"
