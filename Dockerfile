# syntax=docker/dockerfile:1
# Production image: Next's standalone server (`node server.js`), pending migrations applied on start, run as the
# unprivileged `node` user. Nothing secret is built in: AUTH_SECRET, AUTH_URL, DATABASE_URL, SMTP_URL… are given at run
# time, and the start checks them before it migrates (docker/start.mjs).
#   docker build -t auth-starter .
#   docker run --env-file app.env -p 3000:3000 auth-starter        (or `docker compose --profile app up`, see README)

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS base
# Prisma's schema engine (migrate deploy) links against OpenSSL, and Prisma picks the engine build by its version.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1

FROM base AS deps
# A compiler for better-sqlite3, used only when no prebuilt binary matches this Node.js version.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# A local stand-in package.json points at (an optional Prisma feature this app does not use).
COPY scripts/npm-stubs ./scripts/npm-stubs
# The project's postinstall (prisma generate) needs the sources, so it runs in the build stage. Here only the packages
# that compile or download something run their install scripts: better-sqlite3's native module, Prisma's schema
# engine, esbuild (tsx).
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 @prisma/engines esbuild

FROM base AS build
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# Both Prisma clients are compiled in (DATABASE_URL picks one at run time). assemble-standalone.mjs completes
# .next/standalone with what tracing leaves out (static assets, migrations, the Prisma CLI) and drops .env files.
RUN npm run db:generate \
 && NEXT_OUTPUT=standalone npm run build \
 && node docker/assemble-standalone.mjs .next

FROM base AS runner
# Docker sets HOSTNAME to the container id, and server.js listens on HOSTNAME: pin it to every interface.
ENV NODE_ENV=production \
    PORT=3000 \
    HOSTNAME=0.0.0.0
# The app's files stay owned by root (the server cannot change its own code); it writes only to Next's cache and,
# with SQLite, to /app/data (mount a volume there: DATABASE_URL=file:/app/data/app.db).
COPY --from=build /app/.next/standalone ./
RUN mkdir -p .next/cache data \
 && chown node:node .next/cache data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "docker/start.mjs"]
