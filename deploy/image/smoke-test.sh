#!/usr/bin/env bash
# Runs the image without a container runtime: unpacks the layers of Jib's OCI tarball into a
# directory, then starts the image's entrypoint there with chroot as its user (uid/gid 10001),
# zero-configuration (embedded broker and database), and waits for GET /readyz. Proves the image's
# own runtime, libraries, user and data directory work together. As root (chroot, mounts); for CI.
#
# Usage: smoke-test.sh mailroom-server/target/jib-image.tar [port]
set -euo pipefail
tarball=$(realpath "${1:?usage: smoke-test.sh <jib-image.tar> [port]}")
port=${2:-18080}
work=$(mktemp -d /tmp/mailroom-image-XXXXXX)
root="$work/rootfs"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  umount "$root/proc" "$root/dev" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$root" "$work/oci"
tar -xf "$tarball" -C "$work/oci"
# The layers in order, and the entrypoint, user and environment, from the image's own JSON.
eval "$(python3 - "$work/oci" <<'PY'
import json, shlex, sys, os
oci = sys.argv[1]
def blob(d): return os.path.join(oci, "blobs", *d.split(":"))
if os.path.exists(os.path.join(oci, "index.json")):
    index = json.load(open(os.path.join(oci, "index.json")))
    manifest = json.load(open(blob(index["manifests"][0]["digest"])))
    layers = [blob(l["digest"]) for l in manifest["layers"]]
    config = json.load(open(blob(manifest["config"]["digest"])))["config"]
else:
    m = json.load(open(os.path.join(oci, "manifest.json")))[0]
    layers = [os.path.join(oci, l) for l in m["Layers"]]
    config = json.load(open(os.path.join(oci, m["Config"])))["config"]
print("layers=(" + " ".join(shlex.quote(l) for l in layers) + ")")
print("entrypoint=(" + " ".join(shlex.quote(a) for a in config["Entrypoint"]) + ")")
print("user=" + shlex.quote(config["User"]))
print("envs=(" + " ".join(shlex.quote(e) for e in config.get("Env", [])) + ")")
PY
)"
for layer in "${layers[@]}"; do tar --warning=no-unknown-keyword -xzf "$layer" -C "$root"; done
mkdir -p "$root/proc" "$root/dev"
mount --bind /proc "$root/proc"
mount --bind /dev "$root/dev"

echo "smoke-test: starting ${entrypoint[0]} as $user on port $port"
env -i "${envs[@]}" "$(command -v chroot)" --userspec="$user" "$root" "${entrypoint[@]}" \
  --server.port="$port" --mailroom.embedded.amqp-port=0 > "$work/mailroom.log" 2>&1 &
pid=$!
for _ in $(seq 1 180); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    echo "smoke-test: OK: /readyz answered UP; the process runs as $(stat -c %u /proc/$pid) ($(ps -o user= -p $pid))"
    ls -ld "$root/var/lib/mailroom/data"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 1
done
echo "smoke-test: FAIL: no ready Mailroom; its log:" >&2
tail -n 60 "$work/mailroom.log" >&2
exit 1
