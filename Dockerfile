# syntax=docker/dockerfile:1
# The bramble image: `docker build -t bramble:local .` (compose.yaml does this), then
# `docker run bramble:local coordinator|worker|ui|submit …`; configured by BRAMBLE_* variables.

# --- build: the whole reactor, tests skipped (CI runs them) ---
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests install

# --- runtime: a JRE, the launcher's shaded jar and the example graphs ---
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 bramble \
 && useradd --system --uid 10001 --gid bramble --home-dir /var/lib/bramble --shell /usr/sbin/nologin bramble \
 && mkdir -p /opt/bramble/graphs /var/lib/bramble \
 && chown bramble:bramble /var/lib/bramble \
 && printf '#!/bin/sh\n# shellcheck disable=SC2086\nBRAMBLE_CLASSPATH="/opt/bramble/graphs/*${BRAMBLE_CLASSPATH:+:$BRAMBLE_CLASSPATH}" exec java ${BRAMBLE_JAVA_OPTS:-} -cp /opt/bramble/bramble.jar io.bramble.launcher.Bramble "$@"\n' \
      > /usr/local/bin/bramble \
 && chmod 0755 /usr/local/bin/bramble
COPY --from=build /src/launcher/target/bramble.jar /opt/bramble/bramble.jar
# Graphs load from /opt/bramble/graphs (each jar in a class loader of its own): the examples here, a
# user's own jars beside them (or BRAMBLE_CLASSPATH).
COPY --from=build /src/examples/target/bramble-examples.jar /opt/bramble/graphs/
# Heap sized by the container's memory limit; the coordinator keeps its state under /var/lib/bramble.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75" \
    BRAMBLE_HEALTH_HOST=0.0.0.0 \
    BRAMBLE_STATE_DIR=/var/lib/bramble/coordinator
WORKDIR /var/lib/bramble
USER 10001:10001
# Health endpoints: coordinator 8090, worker 8091; the UI 8080.
EXPOSE 8080 8090 8091
ENTRYPOINT ["bramble"]
CMD ["--help"]
