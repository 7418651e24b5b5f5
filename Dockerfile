# p9tmpfs in a container: built with the setup script the README uses, run as a non-root user.
#   docker build -t p9tmpfs .        (or podman build; deploy/docker/README.md has the details)
#   docker run --rm -p 127.0.0.1:5640:5640 --ulimit memlock=-1 p9tmpfs --export scratch,size=1G
# Pinned metadata needs --ulimit memlock=-1, or --cap-add IPC_LOCK under podman only (Docker gives
# added capabilities to root alone, not to this image's user: moby issue 50083); without either,
# p9tmpfs logs a warning and runs with its metadata unpinned. Arguments after the image name are
# appended to the ENTRYPOINT (more --listen, --export, --config...).
FROM debian:12 AS build
# Build jobs (ninja's default is one per core plus two).
ARG CMAKE_BUILD_PARALLEL_LEVEL
WORKDIR /src
# The setup script alone first, so that its layer (the packages) survives changes to the sources.
COPY deploy/setup.sh deploy/setup.sh
RUN deploy/setup.sh
COPY . .
RUN cmake --preset release && cmake --build --preset release --target p9tmpfs p9 \
    && strip build/release/server/p9tmpfs build/release/client/cli/p9

FROM debian:12-slim
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends libspdlog1.10 libfmt9 libtomlplusplus3 libsystemd0 \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 5640 p9tmpfs \
    && useradd --uid 5640 --gid 5640 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin p9tmpfs
COPY --from=build /src/build/release/server/p9tmpfs /src/build/release/client/cli/p9 /usr/local/bin/
# Numeric, so that runtimes that insist on a non-root user (runAsNonRoot) can tell.
USER 5640:5640
EXPOSE 5640
ENTRYPOINT ["/usr/local/bin/p9tmpfs", "--listen", "tcp:0.0.0.0:5640"]
