# One image for the API, the order worker and the Kafka bridge worker; the compose file picks the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY platform platform
COPY contracts contracts
COPY workflows workflows
COPY activities activities
COPY workers workers
COPY api api
# Compiles to dist/, copies the files read at run time (migrations, operator pages), and bundles the
# workflows once here rather than at every start of an order worker (scripts/build.sh).
COPY scripts/build.sh scripts/build.sh
RUN bash scripts/build.sh

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# Two malloc arenas instead of up to eight per core: less memory kept by the worker's threads
# (platform/service-process.ts).
ENV MALLOC_ARENA_MAX=2
# The order worker loads the bundle built above (the API and the bridge worker ignore it).
ENV WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
# Each V8 heap capped as `npm start` caps it (scripts/service-commands.ts): Node's default is a share of
# the host's memory, and the heap grows toward it before V8 collects hard.
ENV NODE_OPTIONS=--max-old-space-size=192
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's built-in unprivileged user: nothing in the services needs root.
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
