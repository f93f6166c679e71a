#!/usr/bin/env bash
# A private Docker engine for the container test suite, for machines without a running one
# (CI, as root): its own data root, exec root, socket and pid file, so it touches no other dockerd.
#
#   containers/private-dockerd.sh start DIR   # prints DOCKER_HOST=unix://DIR/docker.sock once ready
#   containers/private-dockerd.sh stop DIR    # stops that dockerd by its pid, removes what it left
#
# Images live under DATA_ROOT (default DIR/data; set DOCKERD_DATA_ROOT to keep them between
# runs, as .ci/run does, so that build-images.sh finds its cached base image).
set -euo pipefail

cmd=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}
data_root=${DOCKERD_DATA_ROOT:-$dir/data}
sock=$dir/docker.sock
pidfile=$dir/dockerd.pid
export DOCKER_HOST=unix://$sock

# The dockerd that last used DATA_ROOT (a run that was itself killed may have left it running).
owner_file=$data_root.owner-pid

stop_pid() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

case "$cmd" in
  start)
    mkdir -p "$dir" "$data_root"
    [ -f "$owner_file" ] && stop_pid "$(cat "$owner_file")"
    dockerd --data-root "$data_root" --exec-root "$dir/exec" -H "unix://$sock" --pidfile "$pidfile" \
      >"$dir/dockerd.log" 2>&1 &
    echo $! >"$owner_file"
    for _ in $(seq 1 300); do
      if docker version >/dev/null 2>&1; then
        echo "DOCKER_HOST=$DOCKER_HOST"
        exit 0
      fi
      if ! kill -0 "$(cat "$owner_file")" 2>/dev/null; then break; fi
      sleep 0.1
    done
    echo "dockerd did not start; its log:" >&2
    tail -30 "$dir/dockerd.log" >&2
    exit 1
    ;;
  stop)
    if [ -S "$sock" ] && docker version >/dev/null 2>&1; then
      # No Ryuk here: remove the test containers and networks ourselves.
      ids=$(docker ps -aq --filter label=org.testcontainers=true)
      [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1 || true
      ids=$(docker ps -aq)
      [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1 || true
      docker network prune -f >/dev/null 2>&1 || true
    fi
    pid=$(cat "$pidfile" 2>/dev/null || cat "$owner_file" 2>/dev/null || true)
    stop_pid "$pid"
    rm -f "$owner_file"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
