"""Helpers for stack/servers/n8n.sh that need more than curl.

  groups-ready PORT GROUP...      exit 0 when every Kafka consumer group is Stable with a member
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


def _kafka_request(port, api_key, version, body):
    header = struct.pack(">hhih", api_key, version, 1, 5) + b"stack"
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
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
    if len(argv) == 4 and argv[1] == "api-key":
        api_key(argv[2], argv[3], os.environ["N8N_OWNER_PASSWORD"])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
