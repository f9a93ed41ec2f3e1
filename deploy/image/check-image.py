#!/usr/bin/env python3
"""Checks the image tarball Jib wrote (jib:buildTar, profile "image"): that it exists, that its
configuration runs as the non-root user 10001, starts the JVM of the image's own runtime, keeps the
data directory on a volume and exposes the HTTP port. Reads the tar's JSON only (no container
runtime needed). Works on both tar layouts Jib writes: Docker's (manifest.json) and OCI's
(index.json, blobs/sha256/...).

Usage: check-image.py target/jib-image.tar
"""
import json
import sys
import tarfile


def fail(message):
    print(f"check-image: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main(path):
    try:
        tar = tarfile.open(path)
    except (OSError, tarfile.TarError) as e:
        fail(f"cannot read {path}: {e}")
    names = set(tar.getnames())

    def read_json(name):
        member = tar.extractfile(name)
        if member is None:
            fail(f"{name} missing from {path}")
        return json.load(member)

    if "manifest.json" in names:
        config_name = read_json("manifest.json")[0]["Config"]
    elif "index.json" in names:
        manifest_digest = read_json("index.json")["manifests"][0]["digest"]
        manifest = read_json("blobs/" + manifest_digest.replace(":", "/"))
        config_name = "blobs/" + manifest["config"]["digest"].replace(":", "/")
    else:
        fail(f"{path} has neither manifest.json nor index.json: not an image tarball")
    config = read_json(config_name).get("config", {})

    user = config.get("User", "")
    uid = user.split(":")[0]
    if not uid.isdigit() or int(uid) == 0:
        fail(f"the image runs as {user!r}: it must be a numeric non-root uid")
    entrypoint = config.get("Entrypoint") or []
    if not entrypoint or entrypoint[0] != "/opt/java/bin/java":
        fail(f"entrypoint {entrypoint} does not start /opt/java/bin/java")
    volumes = config.get("Volumes") or {}
    if "/var/lib/mailroom" not in volumes:
        fail(f"no volume /var/lib/mailroom (volumes: {sorted(volumes)})")
    env = dict(e.split("=", 1) for e in config.get("Env") or [])
    if not env.get("MAILROOM_DATA_DIR", "").startswith("/var/lib/mailroom/"):
        fail(f"MAILROOM_DATA_DIR is {env.get('MAILROOM_DATA_DIR')!r}, not on the volume")
    if "8080/tcp" not in (config.get("ExposedPorts") or {}):
        fail(f"port 8080 not exposed: {sorted(config.get('ExposedPorts') or {})}")
    layers = [n for n in names if n.endswith(".tar.gz") or n.startswith("blobs/")]
    print(f"check-image: OK: {path}: user {user}, entrypoint {entrypoint[0]}, "
          f"volume /var/lib/mailroom, {len(layers)} blobs/layers")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        fail("usage: check-image.py <image tarball>")
    main(sys.argv[1])
