# entitlement-emulator: build with `docker build -t entitlement-emulator .`, run with
# `docker run -p 8080:8080 -v emulator-data:/data entitlement-emulator`
# (HTTPS as well: `docker run -p 8080:8080 -p 8443:8443 -v emulator-data:/data entitlement-emulator --tls`).
# tests/container.sh builds this file and checks what the manual's Docker chapter (docs/src/docker.md) says on
# containers of the image; tests/api/container.rs checks the same contract on the binary.

FROM rust:1.95-slim-bookworm AS builder
WORKDIR /src
# Cross-crate (thin) LTO, as Cargo.toml's release profile has it, compiles every dependency
# to bitcode and generates all machine code at the final link, so the cached dependency
# layer below would save little: a one-line source change took minutes. Without it the
# dependencies are compiled once, into that layer, and a source change rebuilds only the
# emulator's crate. The binary is as large and measured a few per cent slower;
# `--build-arg CARGO_PROFILE_RELEASE_LTO=thin` builds Cargo.toml's profile.
ARG CARGO_PROFILE_RELEASE_LTO=false
# Dependencies first: this layer stays cached while only the sources change.
# An empty build script here makes this layer compile the build script's dependencies too
# (rusqlite and its SQLite, sha2).
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && echo 'fn main() {}' > build.rs \
    && cargo build --release --locked \
    && rm -rf src build.rs
COPY src src
COPY migrations migrations
COPY config config
# build.rs applies migrations/ to the database a new one starts as (see docs/src/configuration.md).
COPY build.rs build.rs
RUN touch src/main.rs src/lib.rs build.rs && cargo build --release --locked

# Debian's slim root and the binary, nothing added: no compiler, no curl (the health check
# is the binary itself).
FROM debian:bookworm-slim
# A fixed uid and gid, so a bind-mounted /data can be prepared with `chown 10001:10001`.
RUN groupadd --system --gid 10001 emulator \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin emulator \
    && mkdir -p /data \
    && chown 10001:10001 /data
COPY --from=builder /src/target/release/entitlement-emulator /usr/local/bin/entitlement-emulator
ENV EMULATOR__SERVER__HOST=0.0.0.0
ENV EMULATOR__SERVER__PORT=8080
# HTTPS when started with --tls (or EMULATOR__TLS__ENABLED=true); the generated certificate
# is kept in the volume beside the database, so it stays trusted across restarts.
ENV EMULATOR__TLS__PORT=8443
ENV EMULATOR__DATABASE__URL=sqlite:///data/emulator.db
VOLUME /data
WORKDIR /data
# Numeric, so that runtimes enforcing non-root (Kubernetes' runAsNonRoot) can verify it.
USER 10001:10001
EXPOSE 8080 8443
# The binary probes itself: the slim image has no curl or wget.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["entitlement-emulator", "healthcheck"]
ENTRYPOINT ["entitlement-emulator"]
