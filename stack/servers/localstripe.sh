# shellcheck shell=bash
# localstripe: a stateful fake of the Stripe API (PyPI), the payment provider
# of the local stack. Run by stack/localstripe/serve.py, which binds loopback
# only and keeps its store in .stack/localstripe/ (localstripe itself binds
# every interface and writes /tmp/localstripe.pickle; see that file).
#
# What localstripe 1.15.10 does, probed with curl (form-encoded bodies, as
# Stripe takes them; the project has no `stripe` npm client yet). Every /v1
# call needs `Authorization: Bearer sk_…` (any key starting sk_, longer than
# 5 characters; Basic auth with the key as user works too), else 401.
# Errors are {"error": {"type": "invalid_request_error", "message", "code"?}}.
#   POST /v1/payment_intents  amount, currency, capture_method=manual,
#        confirm=true, payment_method=pm_card_visa, metadata[orderId]=…
#        -> 200 status requires_capture, metadata kept; latest_charge comes
#        expanded (an object, not an id); no amount_capturable/_received.
#        Payment methods: pm_card_visa, pm_card_visa_chargeDeclined (succeeds!),
#        pm_card_chargeCustomerFail, or a pm_ id from POST /v1/payment_methods
#        type=card card[number|exp_month|exp_year|cvc]. Other pm_card_* -> 404;
#        tok_visa -> 400; payment_method_data -> 400 "Unexpected …".
#        confirm=true without payment_method -> 500 (a crash), intent left behind.
#   POST /v1/payment_intents/:id/capture [amount_to_capture] -> succeeded; a
#        partial capture is recorded as a refund of the rest on the charge
#        (amount stays, charge.amount_refunded = the difference); capturing
#        twice or more than the amount -> 400 "Bad request".
#   POST /v1/payment_intents/:id/cancel -> canceled (from requires_capture,
#        _confirmation, _action, _payment_method; else 400);
#        cancellation_reason -> 400 "Unexpected". Capture AFTER cancel answers
#        200 and captures the charge while the intent stays canceled.
#   POST /v1/refunds payment_intent=pi_… | charge=ch_… [amount] [metadata]
#        -> refund {object: refund, status: succeeded, amount, charge}; the
#        charge's amount_refunded/refunded/refunds follow. Not checked: it
#        refunds uncaptured and canceled intents, and past the amount
#        (a second full refund gives amount_refunded = 2x amount).
#   GET  /v1/payment_intents/:id, /v1/charges/:id, /v1/refunds/:id,
#        /v1/refunds?payment_intent=…
#   GET  /v1/payment_intents?limit=&starting_after= : every intent, oldest
#        first; any filter (metadata[…], customer) -> 400; /search -> 404.
#   Idempotency-Key: ignored. The same POST twice creates two objects.
#   Declines: only at charge time for cards 4000000000000341
#        (pm_card_chargeCustomerFail), and after 3-D Secure for
#        4000008260003178 / 4000008400001629. 4000000000000002, …9995, …0069
#        decline only when attached to a customer. A decline is 402
#        {"error": {"type": "invalid_request_error", "code": "card_declined",
#        "message": "Your card was declined.", "charge": "ch_…"}}: no
#        decline_code, no intent id; the intent stays, requires_payment_method
#        (GET the charge: its payment_intent names it).
#        3-D Secure cards (4000002500003155 …) give status requires_action.
#   Faults: no switch. A stopped server is the fault.
#   DELETE /_config/data empties the store; POST /_config/webhooks/:id
#        url, secret[, events[]] registers a webhook (kept in memory only).
# State: the store is pickled whole to $LOCALSTRIPE_STORE at most once a
# second, and each request's changes are appended to a journal beside it
# ($LOCALSTRIPE_STORE.journal.N) before the answer leaves; a start loads the
# store and replays the journal, so payments survive a restart, a kill -9
# included, like the other servers' data in .stack. Delete the store and its
# journal (or DELETE /_config/data) to start empty.

LOCALSTRIPE_VERSION=1.15.10
LOCALSTRIPE_HOME="$CACHE_DIR/localstripe-$LOCALSTRIPE_VERSION"
LOCALSTRIPE_PYTHON="$LOCALSTRIPE_HOME/bin/python"
LOCALSTRIPE_SERVE="$STACK_SRC/localstripe/serve.py"
# Pickled localstripe objects load only into the version that wrote them:
# a new pin starts from an empty store instead of failing to start.
LOCALSTRIPE_STORE="$STACK_DIR/localstripe/store-$LOCALSTRIPE_VERSION.pickle"
# Any key of the form sk_<something> is accepted; this one names its origin.
LOCALSTRIPE_API_KEY=sk_test_localstack

localstripe_ports() { server_ports localstripe; }
# The store path is unique to this clone, so it tells our server from others.
localstripe_match() { printf -- '--store %s' "$LOCALSTRIPE_STORE"; }
localstripe_installed() { [ -f "$LOCALSTRIPE_HOME/.installed" ]; }

localstripe_install() {
  ensure_cmd curl curl
  localstripe_installed && return 0
  log "localstripe: installing $LOCALSTRIPE_VERSION from PyPI into $LOCALSTRIPE_HOME (first run)…"
  ensure_cmd python3 python3
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  # A venv's scripts name their interpreter by absolute path, so it is built
  # where it lives (install_server holds a lock meanwhile); the marker is
  # written last, so a half-built environment is never used, only rebuilt.
  rm -rf "$LOCALSTRIPE_HOME"
  python3 -m venv "$LOCALSTRIPE_HOME" >&2
  # localstripe only asks for aiohttp>=2.3.2 and python-dateutil>=2.6.1; its
  # two dependencies are pinned to the versions it was probed with.
  "$LOCALSTRIPE_HOME/bin/pip" install -q --disable-pip-version-check \
    "localstripe==$LOCALSTRIPE_VERSION" aiohttp==3.14.5 python-dateutil==4.0.0 >&2
  "$LOCALSTRIPE_PYTHON" -c 'import localstripe.server' >&2
  touch "$LOCALSTRIPE_HOME/.installed"
}

localstripe_start() {
  mkdir -p "$(dirname "$LOCALSTRIPE_STORE")"
  log "localstripe: starting the Stripe API fake on http://127.0.0.1:$LOCALSTRIPE_PORT"
  spawn localstripe "$LOCALSTRIPE_PYTHON" "$LOCALSTRIPE_SERVE" \
    --host 127.0.0.1 --port "$LOCALSTRIPE_PORT" --store "$LOCALSTRIPE_STORE"
}

# Its Stripe.js stand-in needs no key: a cheap "is it serving" probe.
localstripe_ping() { http_ok "http://127.0.0.1:$LOCALSTRIPE_PORT/js.stripe.com/v3/"; }

localstripe_check() {
  localstripe_ping &&
    curl -fsS -o /dev/null --max-time 3 -H "Authorization: Bearer $LOCALSTRIPE_API_KEY" \
      "http://127.0.0.1:$LOCALSTRIPE_PORT/v1/payment_intents?limit=1" 2>/dev/null
}
