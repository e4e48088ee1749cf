# syntax=docker/dockerfile:1
# One image for every Glint service: `docker run glint-github-app <gateway|mapper|publisher|actions|catalog|all>`;
# the operator commands too: `docker run glint-github-app status`, or `glint status` in a running container.
# Build: `docker build -t glint-github-app .` (docs/docker.md). The same image runs the GitHub simulator for the
# compose `simulator` profile (deploy/compose/github-simulator.cjs).

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json .swcrc ./
COPY scripts/build.mjs scripts/build.mjs
COPY libs libs
COPY apps apps
RUN node scripts/build.mjs

# Production dependencies only, without what Node never loads at run time: type declarations, source maps of
# dependencies, markdown, and TypeORM's browser build (more than half of node_modules).
FROM node:20.20-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/typeorm/browser \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \
      -o -iname '*.md' -o -name '*.tsbuildinfo' \) -delete \
 && find node_modules -type d -empty -delete \
 && mkdir -p node_modules/.bin && ln -s ../../dist/glint node_modules/.bin/glint
# The GitHub simulator renders payloads from GitHub's published webhook examples (a dev dependency): only the
# github.com set it reads is kept.
COPY --from=build /app/node_modules/@octokit/webhooks-examples/package.json node_modules/@octokit/webhooks-examples/package.json
COPY --from=build /app/node_modules/@octokit/webhooks-examples/api.github.com/index.json node_modules/@octokit/webhooks-examples/api.github.com/index.json

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
# `glint` on the PATH (node_modules/.bin/glint links dist/glint): `docker exec <container> glint status`.
ENV PATH=/app/node_modules/.bin:$PATH
WORKDIR /app
COPY --from=production-dependencies --chown=root:root /app/package.json ./package.json
COPY --from=production-dependencies --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# The image's files belong to root and are read-only for the process, which runs as the unprivileged `node`
# user (uid 1000; Kubernetes' runAsNonRoot needs the numeric id). Nothing is written to the file system.
USER 1000:1000
EXPOSE 3000 3001 3002 3003 3004
# Checks the service named last on the command line (`glint mapper` → the mapper's /health; `all` → the gateway,
# which starts last). docker-compose.yml and Kubernetes name the service in their own checks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["sh", "-c", "service=$(tr '\\0' '\\n' </proc/1/cmdline | tail -n 1); case \"$service\" in gateway|mapper|publisher|actions|catalog) ;; *) service=gateway ;; esac; exec node dist/apps/glint/src/healthcheck.js \"$service\""]
# A young generation of 2 × 16 MB: larger saves the gateway some CPU at thousands of webhooks/s but costs every
# service about 100 MB of RSS (docs/docker.md).
ENTRYPOINT ["node", "--max-semi-space-size=16", "--enable-source-maps", "dist/glint"]
CMD ["all"]
