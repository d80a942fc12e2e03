#!/bin/bash
# xtunnel agent to an etcd that speaks TLS only and asks clients for a certificate
# (--client-cert-auth), with certificates made here (openssl): agents with --cacert, --cert
# and --key converge; an agent without a client certificate, or one that does not trust the
# server's CA, gets nothing from etcd and says so, and exits 1 with --once.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/fleet.sh"
ETCD_TLS=$TMP/tls
mkdir -p "$ETCD_TLS"

# cert NAME CN [SAN]: a key and a certificate signed by the CA.
cert() {
	openssl req -newkey rsa:2048 -nodes -keyout "$ETCD_TLS/$1-key.pem" -subj "/CN=$2" \
		-out "$ETCD_TLS/$1.csr" 2>/dev/null &&
		openssl x509 -req -in "$ETCD_TLS/$1.csr" -CA "$ETCD_TLS/ca.pem" \
			-CAkey "$ETCD_TLS/ca-key.pem" -CAcreateserial -days 2 \
			${3:+-extfile <(printf 'subjectAltName=%s\n' "$3")} \
			-out "$ETCD_TLS/$1.pem" 2>/dev/null
}
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ETCD_TLS/ca-key.pem" -subj "/CN=xt-test-ca" \
	-days 2 -out "$ETCD_TLS/ca.pem" 2>/dev/null && cert server etcd IP:192.0.2.101 &&
	cert client agent && mkdir -p "$TMP/other" &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/other/ca-key.pem" \
		-subj "/CN=another-ca" -days 2 -out "$TMP/other/ca.pem" 2>/dev/null ||
	{ not_ok "certificates"; tap_done; }
ETCD_URLS=$(etcd_urls 1)
fleet_switch && fleet_host 1 && fleet_host 2 && fleet_host 3 && etcd_start 1 1 && etcd_healthy ||
	{ not_ok "three hosts and an etcd member with TLS"; tap_done; }
check "etcd answers https only: plain http is refused" bash -c \
	"! ip netns exec ${TAG}h1 curl -sf --max-time 3 -d '{}' http://192.0.2.101:2379/v3/kv/range"

TLS=(--cacert "$ETCD_TLS/ca.pem" --cert "$ETCD_TLS/client.pem" --key "$ETCD_TLS/client-key.pem")
agent_start 1 "${TLS[@]}"
agent_start 2 "${TLS[@]}"
check "two agents with client certificates converge over TLS" bash -c \
	"$(declare -f peers_of wait_peers wait_until peers_are xt); TAG=$TAG XTUNNEL=$XTUNNEL; wait_peers 1 h2 && wait_peers 2 h1"
check "h1 -> h2: TCP byte for byte" tcp_transfer "${TAG}h1" "${TAG}h2" 10.100.2.1 1

once() {
	timeout 30 ip netns exec "${TAG}h3" "$XTUNNEL" agent --etcd "$ETCD_URLS" --network "$NET" \
		--name h3 --uplink u3 --dev xf0 --address 10.100.3.1/24 --advertise 10.100.3.0/24 \
		--state-dir "$TMP/state3" --once "$@" >"$TMP/once.log" 2>&1
}
once --cacert "$ETCD_TLS/ca.pem"
rc=$?
diag "$(tail -1 "$TMP/once.log")"
check "without a client certificate: exit 1, saying etcd does not answer" bash -c \
	"[ $rc = 1 ] && grep -q '^xtunnel: agent: etcd: no endpoint answers' $TMP/once.log"
once --cacert "$TMP/other/ca.pem" --cert "$ETCD_TLS/client.pem" --key "$ETCD_TLS/client-key.pem"
rc=$?
diag "$(tail -1 "$TMP/once.log")"
check "trusting another CA: exit 1" bash -c \
	"[ $rc = 1 ] && grep -q '^xtunnel: agent: etcd: no endpoint answers' $TMP/once.log"
check "... and the overlay was never made" [ -z "$(xt "${TAG}h3" show -j 2>/dev/null | jq '.[]')" ]
once "${TLS[@]}"
check "with the right CA and certificate, --once makes h3's peers" [ "$(peers_of 3)" = "h1 h2" ]
for i in 1 2; do agent_stop "$i"; done
tap_done
