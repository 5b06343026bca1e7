#!/usr/bin/env bash
# `npm run build`: compiles the services to dist/ and bundles the order worker's workflows into
# dist/workflow-bundle.js, as the Docker image does. `npm start` and `npm run bench` run what this
# builds: plain JavaScript starts faster and keeps no TypeScript loader in every process (about 30 MB
# each), and a prebuilt bundle (WORKFLOW_BUNDLE) spares the order worker webpack at every start.
# An argument builds into another folder of the clone instead of dist/ (a test does, beside a running
# `npm start`); it must be inside the clone, where Node finds node_modules/.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
# The folder is emptied first: only a named subfolder of the clone will do.
case "$out" in
  "" | . | ./ | /* | *..*) echo "[build] not a subfolder of the clone: $out" >&2; exit 2 ;;
esac
started=$SECONDS
# From empty: a file deleted from the sources must not live on in the build.
rm -rf "$out"
npx tsc -p tsconfig.build.json --outDir "$out"
# Files the services read at run time besides their code: the migrations and the operator pages.
cp -r platform/migrations "$out/platform/migrations"
cp -r api/operator/dashboard/static "$out/api/operator/dashboard/static"
node "$out/workers/bundle-workflows.js" "$out/workflow-bundle.js"
echo "[build] services compiled to $out/, workflows bundled to $out/workflow-bundle.js ($((SECONDS - started)) s)"
