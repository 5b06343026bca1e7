# shellcheck shell=bash
# Webhook inbox: the default destination of the n8n workflows' HTTP calls
# (ORDER_WEBHOOK_URL, STOCK_ALERT_URL). It records every POST and lists the
# newest at http://127.0.0.1:$INBOX_PORT; tests read them at /calls?after=ID
# (its endpoints and limits are described at the top of inbox/inbox.mjs).
# A dependency-free Node script in the repository: nothing to install. The
# calls live in memory only, so a restart empties the inbox.

INBOX_JS="$STACK_SRC/inbox/inbox.mjs"

inbox_ports() { server_ports inbox; }
inbox_match() { printf '%s --port' "$INBOX_JS"; }

inbox_install() {
  ensure_cmd curl curl
  ensure_cmd node nodejs
}

inbox_start() {
  log "inbox: starting the webhook inbox on http://127.0.0.1:$INBOX_PORT"
  spawn inbox node "$INBOX_JS" --port "$INBOX_PORT"
}

inbox_ping() { http_ok "http://127.0.0.1:$INBOX_PORT/healthz"; }

inbox_check() { inbox_ping && http_ok "http://127.0.0.1:$INBOX_PORT/calls?limit=0"; }
