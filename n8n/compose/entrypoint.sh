#!/bin/sh
# Container start for n8n in docker-compose.yml: import the Kafka credential and the project's workflows,
# publish (activate) them, then start n8n. Re-running on every start keeps the workflows in step with n8n/.
set -eu
n8n import:credentials --input=/fusioncommerce/compose/credentials.json
n8n import:workflow --separate --input=/fusioncommerce
for id in FcFraudReview001 FcOrderNotify001 FcStockAlert0001 FcGroupDeals0001; do n8n publish:workflow --id="$id"; done
exec n8n start
