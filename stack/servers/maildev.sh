# shellcheck shell=bash
# MailDev: an SMTP sink with a web inbox; the notification activity sends
# real SMTP to it locally, and tests read what arrived over its REST API.
#
# REST API of MailDev 3.0.0 (all under the web port, /api prefix; 2.x used
# /email without the prefix):
#   GET    /api/healthz                 -> true
#   GET    /api/email                   every email, full objects, arrival order;
#                                       any other query key filters by a dotted
#                                       field, e.g. ?to.address=a@b.c&subject=Hi;
#                                       also skip, limit, sort=asc|desc
#   GET    /api/email/summary           paged list without bodies (what the UI
#                                       uses): skip, limit, sort, search, unread
#   GET    /api/email/:id               one email (marks it read)
#   GET    /api/email/:id/html | /source | /download | /attachment/:filename
#   DELETE /api/email/:id               delete one
#   DELETE /api/email/all               delete every email
#   POST   /api/email/delete            {"ids": [...]} delete several
#   PATCH  /api/email/read-all          mark all read

# Also pinned in docker-compose.yml; a unit test keeps the two equal.
MAILDEV_VERSION=3.0.0
MAILDEV_HOME="$CACHE_DIR/maildev-$MAILDEV_VERSION"
MAILDEV_JS="$MAILDEV_HOME/node_modules/maildev/dist/bin/maildev.js"
MAILDEV_MAIL_DIR="$STACK_DIR/maildev/mail"

maildev_ports() { server_ports maildev; }
maildev_match() { printf -- '--mail-directory %s' "$MAILDEV_MAIL_DIR"; }

maildev_install() {
  ensure_cmd curl curl
  ensure_cmd node nodejs
  [ -f "$MAILDEV_JS" ] && return 0
  ensure_cmd npm npm
  log "maildev: installing $MAILDEV_VERSION from npm (first run)…"
  # Install beside the final folder and rename, so an interrupted install
  # never looks complete.
  rm -rf "$MAILDEV_HOME.part"
  npm install --prefix "$MAILDEV_HOME.part" "maildev@$MAILDEV_VERSION" \
    --no-audit --no-fund --loglevel=error >&2
  rm -rf "$MAILDEV_HOME"
  mv "$MAILDEV_HOME.part" "$MAILDEV_HOME"
}

maildev_start() {
  mkdir -p "$MAILDEV_MAIL_DIR"
  log "maildev: starting SMTP on 127.0.0.1:$MAILDEV_SMTP_PORT, web on $MAILDEV_WEB_PORT"
  # --ip binds only SMTP; the web UI defaults to 0.0.0.0, hence --web-ip.
  # A mail directory in .stack keeps the inbox across restarts (like the
  # other servers' data); the cap keeps it from growing without bound.
  spawn maildev node "$MAILDEV_JS" \
    --smtp "$MAILDEV_SMTP_PORT" --web "$MAILDEV_WEB_PORT" \
    --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --mail-directory "$MAILDEV_MAIL_DIR" --max-emails 1000
}

maildev_ping() {
  port_open "$MAILDEV_SMTP_PORT" && http_ok "http://127.0.0.1:$MAILDEV_WEB_PORT/api/healthz"
}

maildev_check() {
  maildev_ping && http_ok "http://127.0.0.1:$MAILDEV_WEB_PORT/api/email/summary?limit=1"
}
