# Stagecoach image: provided for people who use containers; CI does not build it (no Docker engine there).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY jobs ./jobs
COPY scripts ./scripts
COPY templates ./templates
COPY examples ./examples
# Compiled JavaScript: the image runs plain node, without tsx (a development dependency).
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# pg_dump/pg_restore/psql for the backup and restore steps; tini reaps step processes.
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
COPY templates ./templates
RUN mkdir -p /workspace /backups && chown -R node:node /workspace /backups
USER node
ENV WORKSPACE_DIR=/workspace BACKUP_DIR=/backups
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A heap cap: V8 otherwise lets garbage pile up to ~380 MB under 1,000 deployments, whose live
# data is under 100 MB (bench/README.md, `scale`); with it the process stays near 250-300 MB.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--enable-source-maps", "--max-old-space-size=256", "dist/src/main.js"]
CMD ["--role=all"]
