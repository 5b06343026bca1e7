# shellcheck shell=bash
# Kafka broker 3 of the cluster profile's three (KRaft, broker and controller in one process): see
# stack/cluster/kafka-node.sh, which all three share.
# shellcheck source=../cluster/kafka-node.sh
. "$STACK_SRC/cluster/kafka-node.sh"

kafka_3_install() { kafka_node_install; }
kafka_3_start() { kafka_node_start 3; }
kafka_3_ping() { kafka_node_ping 3; }
kafka_3_check() { kafka_node_check 3; }
kafka_3_ports() { server_ports kafka_3; }
kafka_3_stop_with() { kafka_node_stop_with; }
kafka_3_match() { printf 'kafka.Kafka %s' "$STACK_DIR/cluster/kafka-3/server.properties"; }
