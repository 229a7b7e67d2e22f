#!/bin/sh
# Creates every topic of topics.txt (and its <topic>.dlq) with explicit partitions; a topic
# that already exists is left alone, so the one-shot container can run on every `up`.
set -eu
bootstrap="${KAFKA_BOOTSTRAP_SERVERS:?KAFKA_BOOTSTRAP_SERVERS is not set}"
topics_file="${1:-/etc/rachmistrz/topics.txt}"
kafka_topics="${KAFKA_TOPICS_SH:-/opt/kafka/bin/kafka-topics.sh}"

create() {
  "$kafka_topics" --bootstrap-server "$bootstrap" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1 >/dev/null
  echo "topic $1 ($2 partitions)"
}

grep -v -e '^#' -e '^[[:space:]]*$' "$topics_file" | while read -r topic partitions; do
  create "$topic" "$partitions"
  create "$topic.dlq" 1
done
