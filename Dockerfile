# Coder IDE image: build the single binary with Bun, ship only that binary on distroless.
#   docker build -t coder-ide .
#   docker run -p 3000:3000 -v coder-ide-data:/data coder-ide

# --- build: dependencies, then `bun scripts/build.ts` -> /app/dist/coder-ide ---------------------
FROM oven/bun:1.4.5-slim AS build
WORKDIR /app
# Dependencies first, so a source change reuses this layer. Bun reads package-lock.json (it migrates
# it in memory); --frozen-lockfile fails the build when package.json and the lock disagree. The build
# needs no devDependencies (bun build bundles; no tsc), hence --production.
COPY package.json package-lock.json bunfig.toml ./
RUN bun install --frozen-lockfile --production
# Sources (.dockerignore keeps node_modules, dist, data, tests and .git out).
COPY . .
RUN bun scripts/build.ts \
 && ./dist/coder-ide --version \
 && mkdir -p /image/data

# --- healthcheck client: a static busybox, for `wget` (distroless has no shell, curl or wget) -----
FROM busybox:1.37-musl AS busybox

# --- runtime: glibc and libgcc only (ldd dist/coder-ide: libc, libpthread, libdl, libm; glibc
# dlopens libgcc_s for thread cancellation, which the cc image has). User nonroot = 65532. ----------
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /app/dist/coder-ide /usr/local/bin/coder-ide
COPY --from=busybox /bin/busybox /usr/local/bin/busybox
# An empty /data owned by the runtime user: a new named volume copies this ownership.
COPY --from=build --chown=65532:65532 /image/data /data
USER 65532:65532
# SHUTDOWN_TIMEOUT_MS stays under Docker's 10 s stop grace, so the store is closed before a SIGKILL
# (raise both together: docker run --stop-timeout 30 -e SHUTDOWN_TIMEOUT_MS=25000). Change the port
# with -e PORT=..., not --port: the health check reads PORT.
ENV DATA_DIR=/data HOST=0.0.0.0 PORT=3000 SHUTDOWN_TIMEOUT_MS=8000
VOLUME /data
EXPOSE 3000
# /readyz, not /healthz: healthy means the store answers and every plugin has settled (started, or
# failed on its own), not merely that the process listens. A plugin's setup is given up on after 30 s,
# so the start period covers the slowest boot. wget exits 1 on a refused connection or a 4xx/5xx;
# Docker's --timeout bounds a hung check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["/usr/local/bin/busybox", "sh", "-c", "/usr/local/bin/busybox wget -q -O /dev/null http://127.0.0.1:${PORT:-3000}/readyz"]
ENTRYPOINT ["/usr/local/bin/coder-ide"]
CMD ["serve"]
