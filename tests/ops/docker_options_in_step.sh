#!/bin/sh
# The Docker recipe's mount options must be the ones the guest-kernel suite mounts with: takes the
# two option strings of tests/kernel/scenarios/docker_options.sh, puts back the recipe's port and
# aname, requires each verbatim in deploy/docker/compose.yml and deploy/docker/README.md, and
# requires every option string given to Docker there and in README.md (`o=trans=...`,
# `o: "trans=...`) to be one of the two.
# Usage: docker_options_in_step.sh REPO_ROOT
set -euf
root=${1:?usage: docker_options_in_step.sh REPO_ROOT}
scenario=$root/tests/kernel/scenarios/docker_options.sh
status=0
tested=""
for var in DOCKER_TCP_OPTS DOCKER_UNIX_OPTS; do
  opts=$(sed -n "s/^$var=\"\(.*\)\"$/\1/p" "$scenario" |
         sed -e 's/port=564,/port=5640,/' -e 's/aname=\$P9_ANAME_MAIN/aname=scratch/')
  if [ -z "$opts" ]; then echo "FAIL: no $var in $scenario"; exit 1; fi
  tested="$tested
$opts"
  for doc in deploy/docker/compose.yml deploy/docker/README.md; do
    if grep -qF -- "o=$opts" "$root/$doc" || grep -qF -- "o: \"$opts\"" "$root/$doc"; then
      echo "ok: $doc has $opts"
    else
      echo "FAIL: $doc does not mount with $opts (the options $scenario tests)"
      status=1
    fi
  done
done

newline='
'
for doc in deploy/docker/compose.yml deploy/docker/README.md README.md; do
  # "LINE OPTIONS" for each option string the document gives Docker's local driver.
  hits=$(grep -noE "(o=|o: \")trans=[^ \"\`']*" "$root/$doc" | sed -E 's/^([0-9]+):(o=|o: ")/\1 /') || true
  IFS=$newline
  for hit in $hits; do
    case "$tested$newline" in
      *"$newline${hit#* }$newline"*) echo "ok: $doc:${hit%% *} uses tested options" ;;
      *) echo "FAIL: $doc:${hit%% *}: ${hit#* } is not one of the option strings $scenario tests"
         status=1 ;;
    esac
  done
  unset IFS
done
exit $status
