# shellcheck shell=bash
# Kafka broker 1 of the cluster profile's three (KRaft, broker and controller in one process): see
# stack/cluster/kafka-node.sh, which all three share.
# shellcheck source=../cluster/kafka-node.sh
. "$STACK_SRC/cluster/kafka-node.sh"

kafka_1_install() { kafka_node_install; }
kafka_1_start() { kafka_node_start 1; }
kafka_1_ping() { kafka_node_ping 1; }
kafka_1_check() { kafka_node_check 1; }
kafka_1_ports() { server_ports kafka_1; }
kafka_1_stop_with() { kafka_node_stop_with; }
kafka_1_match() { printf 'kafka.Kafka %s' "$STACK_DIR/cluster/kafka-1/server.properties"; }
