# One image for the five services; the compose file and k8s/ choose the entry point.
# The Node major matches package.json "engines".
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN node tools/build.mjs && npm prune --omit=dev --ignore-scripts

FROM node:20.20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/schemas ./schemas
COPY package.json ./
USER node
# `exec` form: node is PID 1's child-free process and receives SIGTERM directly.
CMD ["node", "dist/apps/ingest-gateway/src/main.js"]
