#!/bin/bash
# Every command that takes an overlay's name takes it as the peer commands do, `dev NAME`,
# and alone, `NAME`: show, detach, reload (issue 13, item 5).
. "$(dirname "$0")/../lib/netns.sh"

topo_pair &&
	xt "$NS_A" attach ua address 10.10.0.1/24 2>/dev/null &&
	xt "$NS_A" attach ua dev xt1 vni 2 address 10.11.0.1/24 2>/dev/null ||
	{ not_ok "two overlays"; tap_done; }

# The program on an overlay's egress: reload replaces it, so its id changes.
encap_id() {
	in_ns "$NS_A" tc -j filter show dev "$1" egress | jq -r '.[] | .options.prog.id // empty'
}

# changed BEFORE DEV: DEV's encap program is another than BEFORE.
changed() {
	local now
	now=$(encap_id "$2")
	[ -n "$1" ] && [ -n "$now" ] && [ "$now" != "$1" ]
}

for form in "dev xt0" "xt0"; do
	before=$(encap_id xt0) other=$(encap_id xt1)
	check "reload $form succeeds" xt "$NS_A" reload $form
	check "reload $form replaced xt0's programs ($before -> $(encap_id xt0))" \
		changed "$before" xt0
	check_fails "reload $form left xt1's alone" changed "$other" xt1
	check "show $form shows xt0 alone" \
		[ "$(xt "$NS_A" show $form -j | jq -c 'map(.dev)')" = '["xt0"]' ]
done
check "show -j dev xt1: options on either side of the name" \
	[ "$(xt "$NS_A" show -j dev xt1 -p | jq -c 'map(.dev)')" = '["xt1"]' ]
expect 2 "reload: unexpected 'xt1'" "reload with two names is a usage error" -- \
	reload dev xt0 xt1
expect 2 "detach: unexpected 'extra'" "detach with a word after the name is a usage error" -- \
	detach dev xt0 extra
expect 2 "detach: missing NAME" "detach without a name is a usage error" -- detach
expect 2 "name one with 'dev NAME'" "reload without a name, of two overlays, says how" -- \
	reload

check "detach dev xt0 succeeds" xt "$NS_A" detach dev xt0
check "and removed xt0 alone" [ "$(xt "$NS_A" show -j | jq -c 'map(.dev)')" = '["xt1"]' ]
check "detach xt1 (the name alone) succeeds" xt "$NS_A" detach xt1
check "and nothing is left" [ "$(xt "$NS_A" show -j)" = "[]" ]
tap_done
