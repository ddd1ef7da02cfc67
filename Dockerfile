# entitlement-emulator: build with `docker build -t entitlement-emulator .`, run with
# `docker run -p 8080:8080 -v emulator-data:/data entitlement-emulator`
# (HTTPS as well: `docker run -p 8080:8080 -p 8443:8443 -v emulator-data:/data entitlement-emulator --tls`).
# The runtime contract below (environment, port, volume, health check) is exercised on the
# binary by tests/api/container.rs, since this file cannot be built where it is developed.

FROM rust:1.95-slim-bookworm AS builder
WORKDIR /src
# Dependencies first: this layer stays cached while only the sources change.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src
COPY src src
COPY migrations migrations
COPY config config
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin emulator \
    && mkdir -p /data \
    && chown emulator /data
COPY --from=builder /src/target/release/entitlement-emulator /usr/local/bin/entitlement-emulator
ENV EMULATOR__SERVER__HOST=0.0.0.0
ENV EMULATOR__SERVER__PORT=8080
# HTTPS when started with --tls (or EMULATOR__TLS__ENABLED=true); the generated certificate
# is kept in the volume beside the database, so it stays trusted across restarts.
ENV EMULATOR__TLS__PORT=8443
ENV EMULATOR__DATABASE__URL=sqlite:///data/emulator.db
VOLUME /data
WORKDIR /data
USER emulator
EXPOSE 8080 8443
# The binary probes itself: the slim image has no curl or wget.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["entitlement-emulator", "healthcheck"]
ENTRYPOINT ["entitlement-emulator"]
