# shellcheck shell=bash
# Temporal server node A of the cluster profile's two (frontend, history, matching and worker in one
# process): see stack/cluster/temporal-node.sh, which both share.
# shellcheck source=../cluster/temporal-node.sh
. "$STACK_SRC/cluster/temporal-node.sh"

temporal_a_install() { temporal_node_install; }
temporal_a_start() { temporal_node_start a; }
temporal_a_ping() { temporal_node_ping a; }
temporal_a_setup() { temporal_node_setup a; }
temporal_a_check() { temporal_node_check a; }
temporal_a_ports() { server_ports temporal_a; }
temporal_a_match() { printf '%s' "$STACK_DIR/cluster/temporal-a.yaml"; }
