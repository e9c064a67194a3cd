#!/bin/sh
# Stand-in for "sendmail -t -i" in tests: stores each message read on stdin as a
# new file in the directory given as the first argument.
set -eu
mkdir -p "$1"
cat >"$(mktemp "$1/mail.XXXXXX")"
