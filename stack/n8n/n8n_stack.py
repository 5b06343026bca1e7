"""Helpers for stack/servers/n8n.sh that need more than curl.

  groups-ready PORT GROUP...      exit 0 when every Kafka consumer group is Stable with a member
  ensure-topics PORT WORKFLOW...  create the topics the workflows' Kafka triggers read, if missing;
                                  print the ones it created
  api-key URL EMAIL               log in to n8n as the owner (password in N8N_OWNER_PASSWORD),
                                  create a public API key and print it

Standard library only: the stack scripts run before any project dependency is installed.
"""

import http.cookiejar
import json
import os
import socket
import struct
import sys
import urllib.request


def _kafka_request(port, api_key, version, body, timeout=3):
    header = struct.pack(">hhih", api_key, version, 1, 5) + b"stack"
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(struct.pack(">i", len(header) + len(body)) + header + body)

        def read(n):
            buf = b""
            while len(buf) < n:
                chunk = s.recv(n - len(buf))
                if not chunk:
                    raise ConnectionError("broker closed the connection")
                buf += chunk
            return buf

        (size,) = struct.unpack(">i", read(4))
        return read(size)[4:]  # drop the correlation id


class _Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return value

    def string(self):
        n = self.take(">h")
        value = self.data[self.pos : self.pos + max(n, 0)].decode()
        self.pos += max(n, 0)
        return value

    def skip_bytes(self):
        n = self.take(">i")  # read first: `self.pos += self.take()` would lose take's own advance
        self.pos += max(n, 0)


def groups_ready(port, groups):
    """DescribeGroups v0: a group is ready when it is Stable (joined and synced) with a member.

    A Kafka trigger that has not joined yet would start at the latest offset once it does, and miss
    whatever was produced before; start-up therefore waits for this.
    """
    body = struct.pack(">i", len(groups))
    for g in groups:
        body += struct.pack(">h", len(g)) + g.encode()
    r = _Reader(_kafka_request(port, 15, 0, body))
    ready = {}
    for _ in range(r.take(">i")):
        error, group_id, state = r.take(">h"), r.string(), r.string()
        r.string(), r.string()  # protocol type, protocol
        members = r.take(">i")
        for _ in range(members):
            r.string(), r.string(), r.string()  # member id, client id, client host
            r.skip_bytes(), r.skip_bytes()  # metadata, assignment
        ready[group_id] = error == 0 and state == "Stable" and members > 0
        if not ready[group_id]:
            print(f"group {group_id}: error {error}, state {state or '-'}, {members} member(s)", file=sys.stderr)
    return all(ready.get(g, False) for g in groups)


def trigger_topics(workflow_files):
    """The topics the Kafka Trigger nodes of these n8n workflow files subscribe to, in file order."""
    found = []
    for path in workflow_files:
        with open(path, encoding="utf-8") as f:
            workflow = json.load(f)
        for node in workflow.get("nodes", []):
            if node.get("type") != "n8n-nodes-base.kafkaTrigger":
                continue
            topic = node.get("parameters", {}).get("topic", "")
            if not topic or topic.startswith("="):
                raise ValueError(f"{path}: node {node.get('name')!r} has no fixed topic ({topic!r})")
            if topic not in found:
                found.append(topic)
    return found


_TOPIC_ALREADY_EXISTS = 36


def ensure_topics(port, topics):
    """CreateTopics v4 with the broker's defaults (partitions, replication), as auto-creation would use.

    A trigger that subscribes before its topic exists depends on the broker creating topics on demand;
    creating them first works whatever auto.create.topics.enable says. Returns the topics created.
    """
    timeout_ms = 15000
    body = struct.pack(">i", len(topics))
    for t in topics:
        # num_partitions and replication_factor -1 (broker defaults), no assignments, no configs.
        body += struct.pack(">h", len(t)) + t.encode() + struct.pack(">ihii", -1, -1, 0, 0)
    body += struct.pack(">ib", timeout_ms, 0)  # timeout, validate_only = false
    r = _Reader(_kafka_request(port, 19, 4, body, timeout=timeout_ms / 1000 + 5))
    r.take(">i")  # throttle time
    created, failed = [], []
    for _ in range(r.take(">i")):
        name, error, message = r.string(), r.take(">h"), r.string()
        if error == 0:
            created.append(name)
        elif error != _TOPIC_ALREADY_EXISTS:
            failed.append(f"{name}: error {error} {message}".rstrip())
    if failed:
        raise RuntimeError("could not create " + "; ".join(failed))
    return created


def api_key(url, email, password):
    """n8n's public API takes an API key; keys are created by a logged-in user over the REST API."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # The session cookie is bound to this browser id; every later call must send the same one.
    headers = {"content-type": "application/json", "browser-id": "fusioncommerce-stack"}

    def call(method, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(url + path, data=data, method=method, headers=headers)
        with opener.open(req, timeout=15) as res:
            return json.load(res)["data"]

    call("POST", "/rest/login", {"emailOrLdapLoginId": email, "password": password})
    scopes = call("GET", "/rest/api-keys/scopes")
    created = call("POST", "/rest/api-keys", {"label": "fusioncommerce-stack", "scopes": scopes, "expiresAt": None})
    print(created["rawApiKey"])


def main(argv):
    if len(argv) >= 3 and argv[1] == "groups-ready":
        return 0 if groups_ready(int(argv[2]), argv[3:]) else 1
    if len(argv) >= 4 and argv[1] == "ensure-topics":
        for topic in ensure_topics(int(argv[2]), trigger_topics(argv[3:])):
            print(topic)
        return 0
    if len(argv) == 4 and argv[1] == "api-key":
        api_key(argv[2], argv[3], os.environ["N8N_OWNER_PASSWORD"])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
