#!/bin/sh
# A pinentry for gpg-agent in tests: answers every passphrase question with "test".
echo "OK Pleased to meet you"
while read -r cmd rest; do
	case "$cmd" in
	GETPIN) echo "D test"; echo "OK" ;;
	BYE) echo "OK closing connection"; exit 0 ;;
	*) echo "OK" ;;
	esac
done
