# syntax=docker/dockerfile:1
# Tessera on the official Node.js 24 image: the runtime dependencies only (npm ci --omit=dev),
# the TypeScript sources run by Node's type stripping (they are not under node_modules, so
# no build step is needed). test/integration/package-install.test.ts carries out these steps
# without Docker: keep to the instructions and forms used below, or teach that test the new one.
#
#   docker build -t tessera .
#   docker run -p 4600:4600 -v tessera-data:/data tessera          # persistent, SQLite in /data
#   docker run -p 4600:4600 tessera serve --dev --dev-allow-remote # throwaway, key test/test
FROM node:24-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
# npm's download cache is a build cache mount: reused between builds, never in the image.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

COPY bin ./bin
COPY src ./src
COPY models ./models
COPY schemas ./schemas

# State (database, master key, root credentials, admin token) lives in the /data volume,
# owned by the image's unprivileged `node` user that the server runs as.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]

# Inside a container the server must listen on all interfaces to be reachable at all.
ENV TESSERA_HOST=0.0.0.0 TESSERA_DATA_DIR=/data TESSERA_PORT=4600
EXPOSE 4600

HEALTHCHECK --interval=10s --timeout=3s --start-period=10s CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.TESSERA_PORT + '/_tessera/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node is PID 1 and gets `docker stop`'s SIGTERM itself: requests in flight are answered
# and the audit log written before it exits (within the default 10 s grace).
ENTRYPOINT ["node", "bin/tessera.js"]
CMD ["serve"]
