# shellcheck shell=bash
# Kafka broker 2 of the cluster profile's three (KRaft, broker and controller in one process): see
# stack/cluster/kafka-node.sh, which all three share.
# shellcheck source=../cluster/kafka-node.sh
. "$STACK_SRC/cluster/kafka-node.sh"

kafka_2_install() { kafka_node_install; }
kafka_2_start() { kafka_node_start 2; }
kafka_2_ping() { kafka_node_ping 2; }
kafka_2_check() { kafka_node_check 2; }
kafka_2_ports() { server_ports kafka_2; }
kafka_2_stop_with() { kafka_node_stop_with; }
kafka_2_match() { printf 'kafka.Kafka %s' "$STACK_DIR/cluster/kafka-2/server.properties"; }
