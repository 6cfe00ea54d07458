#!/usr/bin/env bash
# Makes the certificates of a secured raft-kv cluster (docs/security.md) with openssl:
#   a CA (ca.crt, ca.key; reused when DIR already has one) and, for each node, <id>.crt and a
#   PKCS#8 <id>.key whose subject CN and a DNS subjectAltName are the node id (the peer-identity
#   rule), plus the hosts it is reached at (default localhost and 127.0.0.1).
#
# usage: make-certs.sh DIR ID[=HOST,HOST...]...
#   e.g. make-certs.sh certs n1 n2 n3
#        make-certs.sh certs n1=10.0.0.11,kv1.example.com n2=10.0.0.12 n3=10.0.0.13
# The same certificates serve HTTPS; an API client may use one as a client certificate (give its
# CN a role in the --auth-file with a 'cert <CN> <role>' line): make-certs.sh certs alice
# Environment: DAYS (validity, default 365).
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
command -v openssl >/dev/null || { echo "make-certs.sh: openssl is required" >&2; exit 1; }
dir=$1
shift
days=${DAYS:-365}
mkdir -p "$dir"
umask 077

if [ ! -f "$dir/ca.key" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days "$days" -subj "/CN=raft-kv cluster CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.crt"
  echo "made CA $dir/ca.crt"
fi

for spec in "$@"; do
  id=${spec%%=*}
  hosts=localhost,127.0.0.1
  if [ "$spec" != "$id" ]; then hosts=${spec#*=}; fi
  case "$id" in
    ''|*[!A-Za-z0-9._-]*) echo "make-certs.sh: bad node id '$id'" >&2; exit 2 ;;
  esac
  san="DNS:$id"
  IFS=, read -ra list <<< "$hosts"
  for h in "${list[@]}"; do
    if [[ "$h" =~ ^[0-9.]+$ || "$h" == *:* ]]; then san="$san,IP:$h"; else san="$san,DNS:$h"; fi
  done
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$id.key" 2>/dev/null
  ext=$(mktemp)
  trap 'rm -f "$ext"' EXIT
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n' "$san" > "$ext"
  openssl req -new -key "$dir/$id.key" -subj "/CN=$id" 2>/dev/null |
    openssl x509 -req -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -sha256 -days "$days" \
      -extfile "$ext" -out "$dir/$id.crt" 2>/dev/null
  rm -f "$ext"
  echo "made $dir/$id.crt ($san)"
done
chmod 600 "$dir"/*.key
chmod 644 "$dir"/*.crt
