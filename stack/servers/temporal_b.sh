# shellcheck shell=bash
# Temporal server node B of the cluster profile's two (frontend, history, matching and worker in one
# process): see stack/cluster/temporal-node.sh, which both share.
# shellcheck source=../cluster/temporal-node.sh
. "$STACK_SRC/cluster/temporal-node.sh"

temporal_b_install() { temporal_node_install; }
temporal_b_start() { temporal_node_start b; }
temporal_b_ping() { temporal_node_ping b; }
temporal_b_setup() { temporal_node_setup b; }
temporal_b_check() { temporal_node_check b; }
temporal_b_ports() { server_ports temporal_b; }
temporal_b_match() { printf '%s' "$STACK_DIR/cluster/temporal-b.yaml"; }
