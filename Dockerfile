# Build with the same setup script the README uses, then run p9tmpfs as a non-root user.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN deploy/setup.sh && cmake --workflow --preset release

FROM debian:12-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libspdlog1.10 libfmt9 libsystemd0 \
    && rm -rf /var/lib/apt/lists/* && useradd --system --uid 5640 p9tmpfs
COPY --from=build /src/build/release/server/p9tmpfs /usr/local/bin/p9tmpfs
USER p9tmpfs
EXPOSE 5640
# Metadata pinning needs --cap-add IPC_LOCK (or --ulimit memlock=-1); without it p9tmpfs warns and runs unpinned.
ENTRYPOINT ["/usr/local/bin/p9tmpfs", "--listen", "tcp:0.0.0.0:5640"]
