# syntax=docker/dockerfile:1
# One image for every Glint service: `docker run glint-github-app <gateway|mapper|publisher|actions|catalog|all>`.

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json .swcrc ./
COPY scripts/build.mjs scripts/build.mjs
COPY libs libs
COPY apps apps
RUN node scripts/build.mjs \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# The image's files belong to root and are read-only for the process, which runs as the unprivileged `node` user.
USER node
EXPOSE 3000 3001 3002 3003 3004
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/apps/glint/src/healthcheck.js"]
ENTRYPOINT ["node", "--max-semi-space-size=64", "--enable-source-maps", "dist/glint"]
CMD ["all"]
