#!/usr/bin/env bash
# Builds the images of the container test suite from nothing but Debian's and Maven Central's
# packages (no image registry needed), into the Docker engine of DOCKER_HOST:
#
#   local/jre17:bookworm  a Debian bookworm JRE 17 base: mmdebstrap (minbase + openjdk-17-jre-headless)
#                         piped into `docker import`
#   local/kafka:4.3.1     that base + the Kafka 4.3.1 jars from Maven + images/kafka/run, which
#                         configures the broker from KAFKA_* variables like the official apache/kafka
#   local/bramble:dev     that base + launcher/target/bramble.jar, laid out like the runtime stage of
#                         the root Dockerfile (same user, entry point, variables, ports)
#
# Idempotent and cached: the base is rebuilt only when its recipe changes (a label on the image
# records it), the other two are `docker build`s whose layers are cached. Needs root (mmdebstrap),
# mmdebstrap, docker, Maven, and a built launcher (mvn -B -DskipTests install, or mvn -B test).
#
#   containers/build-images.sh [--force-base]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
work=$here/target/images
force_base=false
[ "${1:-}" = "--force-base" ] && force_base=true

base_image=${JRE_BASE_IMAGE:-local/jre17:bookworm}
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/pom.xml" | head -1)
kafka_image=local/kafka:$kafka_version
bramble_image=local/bramble:dev
export DOCKER_BUILDKIT=0 # the legacy builder: no frontend image to pull

log() { printf '[build-images %(%H:%M:%S)T] %s\n' -1 "$*"; }

# --- base: mmdebstrap | docker import -----------------------------------------------------------
# The machine's own apt sources (with security updates) when it has a deb822 or one-line file.
sources=
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
  if [ -s "$f" ] && grep -qv '^\s*#' "$f"; then sources=$f; break; fi
done
mmdebstrap_args=(--variant=minbase --include=openjdk-17-jre-headless
  --aptopt='APT::Install-Recommends "false"'
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias'
  --essential-hook='mkdir -p "$1/usr/share/man/man1"'
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*')
recipe=$(printf '%s\n' "v1" "${mmdebstrap_args[@]}" "${sources:-default}" | sha256sum | cut -c1-16)
have=$(docker image inspect -f '{{ index .Config.Labels "io.bramble.recipe" }}' "$base_image" 2>/dev/null || true)
if [ "$have" = "$recipe" ] && ! $force_base; then
  log "$base_image is up to date (recipe $recipe)"
else
  log "building $base_image with mmdebstrap (about 40 s)"
  mmdebstrap "${mmdebstrap_args[@]}" bookworm - ${sources:+"$sources"} \
    | docker import \
        --change "LABEL io.bramble.recipe=$recipe" \
        --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["/bin/bash"]' \
        - "$base_image" >/dev/null
  docker run --rm "$base_image" java -version 2>&1 | sed -n 1p
fi

# --- kafka: the broker's jars from Maven Central ------------------------------------------------
log "building $kafka_image"
ctx=$work/kafka
rm -rf "$ctx" && mkdir -p "$ctx"
cp "$here/images/kafka/Dockerfile" "$here/images/kafka/run" "$ctx/"
mvn -B -q -Dstyle.color=never -f "$here/images/kafka/pom.xml" -Dkafka.version="$kafka_version" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$ctx/libs"
docker build -q --build-arg BASE="$base_image" -t "$kafka_image" "$ctx" >/dev/null

# --- bramble: the launcher's jar -----------------------------------------------------------------
jar=$root/launcher/target/bramble.jar
if [ ! -f "$jar" ]; then
  echo "no $jar: build it first (mvn -B -DskipTests install)" >&2
  exit 1
fi
log "building $bramble_image"
ctx=$work/bramble
rm -rf "$ctx" && mkdir -p "$ctx"
cp "$here/images/bramble/Dockerfile" "$ctx/"
cp "$jar" "$ctx/bramble.jar"
mkdir -p "$ctx/graphs"
cp "$root/examples/target/bramble-examples.jar" "$ctx/graphs/"
docker build -q --build-arg BASE="$base_image" -t "$bramble_image" "$ctx" >/dev/null

# Earlier builds of these tags, now untagged, would pile up in a cached data root.
docker image prune -f >/dev/null
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E "^(${base_image}|${kafka_image}|${bramble_image})  " || true
log "done"
