# syntax=docker/dockerfile:1
# Multi-stage build: dependencies are compiled in their own layer, which is reused as long as
# the manifests do not change; the runtime image holds only the binary.

FROM rust:1-slim-bookworm AS build
WORKDIR /app

# 1. Dependencies only: the manifests with empty sources.
COPY Cargo.toml Cargo.lock ./
# The build settings (SQLite's compile flags) must hold for the dependency layer too.
COPY .cargo .cargo
COPY entity/Cargo.toml entity/
COPY migration/Cargo.toml migration/
COPY bench/Cargo.toml bench/
RUN mkdir -p src entity/src migration/src bench/src \
 && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
 && touch entity/src/lib.rs migration/src/lib.rs \
 && echo 'fn main() {}' > bench/src/main.rs \
 && cargo build --release --locked --bin iso20000 \
 && rm -rf src entity/src migration/src bench/src

# 2. The product itself.
COPY . .
RUN touch src/main.rs src/lib.rs entity/src/lib.rs migration/src/lib.rs \
 && cargo build --release --locked --bin iso20000

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/iso20000 --create-home iso20000
COPY --from=build /app/target/release/iso20000 /usr/local/bin/iso20000
USER iso20000
WORKDIR /var/lib/iso20000
ENV ISO20000_HOST=0.0.0.0 \
    ISO20000_PORT=8080 \
    ISO20000_DATA_DIR=/var/lib/iso20000/data \
    ISO20000_LOG_FORMAT=json
VOLUME ["/var/lib/iso20000/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["iso20000"]
CMD ["serve"]
