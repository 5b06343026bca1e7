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
# Non-TypeScript files the services read at run time: migrations, and the operator pages.
RUN npx tsc -p tsconfig.build.json && cp -r platform/migrations dist/platform/migrations \
  && cp -r api/dashboard/static dist/api/dashboard/static

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# Two malloc arenas instead of up to eight per core: less memory kept by the worker's threads
# (platform/service-process.ts).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's built-in unprivileged user: nothing in the services needs root.
USER node
EXPOSE 3000
CMD ["node", "dist/api/main.js"]
