#!/usr/bin/env bash
# Builds the file tree of Mailroom's container image below the application: a Java runtime and the
# few system files it needs, into $1 (the Maven profile "image" passes target/image-rootfs). Jib
# then puts it on the empty "scratch" base as layers of their own, under the application's.
#
# Why not a base image: no container registry is reachable where Mailroom is built (only Maven
# Central and Debian's packages), so nothing can be pulled. The runtime is made here instead:
#   - jlink from the building JDK's jmods (Debian's openjdk-17-jdk-headless ships them): a runtime
#     with no symlinks into /etc, unlike the JDK directory itself;
#   - the shared libraries that runtime links to (ldd), with the dynamic loader, copied from the
#     building machine: glibc and friends. glibc >= 2.34 has DNS and files lookups built in, so no
#     NSS modules are needed;
#   - the CA certificates of the building machine as the runtime's cacerts (providers are HTTPS);
#   - /etc/passwd and /etc/group naming the one non-root user (uid/gid 10001), /tmp, and the data
#     directory's parent /var/lib/mailroom.
# Needs: bash, ldd, the JDK's jlink (JAVA_HOME or the java on PATH). Runs in ~20 s.
set -euo pipefail

out=$(realpath -m "${1:?usage: runtime-rootfs.sh <output directory>}")
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
jlink="$java_home/bin/jlink"
[ -x "$jlink" ] || { echo "runtime-rootfs: no jlink in $java_home (install a JDK with jmods)" >&2; exit 1; }
[ -d "$java_home/jmods" ] || { echo "runtime-rootfs: $java_home has no jmods (Debian: openjdk-17-jdk-headless)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/var/lib/mailroom"

# Every module: Spring Boot, the AWS SDK, Jakarta Mail and the embedded broker reach for modules
# (java.naming, jdk.crypto.ec, java.management, jdk.unsupported, ...) that jdeps cannot see through
# reflection. The price is ~40 MB more than a minimal runtime.
"$jlink" --module-path "$java_home/jmods" --add-modules ALL-MODULE-PATH \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out/opt/java"

# CA certificates: the building machine's Java trust store (Debian: ca-certificates-java).
for store in /etc/ssl/certs/java/cacerts "$java_home/lib/security/cacerts"; do
  if [ -s "$store" ]; then cp -L "$store" "$out/opt/java/lib/security/cacerts"; break; fi
done

# Shared libraries of the runtime's executables and libraries, each at the path ldd found it, plus
# libgcc_s (glibc loads it at a thread's cancellation) and the dynamic loader.
libs=$( { find "$out/opt/java" -type f \( -name '*.so' -o -perm -u+x \) -print0 \
          | xargs -0 ldd 2>/dev/null || true; } \
        | awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(/{print $1}' | sort -u)
libs="$libs $(ls /lib/x86_64-linux-gnu/libgcc_s.so.1 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1 2>/dev/null | head -n1)"
for lib in $libs; do
  case "$lib" in "$out"/*) continue ;; esac   # the runtime's own libraries
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
# /lib64/ld-linux-x86-64.so.2 is what bin/java names as its interpreter.
if [ ! -e "$out/lib64/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$out/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib64/"
fi
# Debian's /lib is a symlink to /usr/lib: keep the libraries where ldd named them and let the
# loader find them through its default paths, which include both.

cat > "$out/etc/passwd" <<'P'
root:x:0:0:root:/root:/sbin/nologin
mailroom:x:10001:10001:Mailroom:/var/lib/mailroom:/sbin/nologin
P
cat > "$out/etc/group" <<'G'
root:x:0:
mailroom:x:10001:
G
echo "hosts: files dns" > "$out/etc/nsswitch.conf"
echo "runtime-rootfs: $(du -sh "$out" | cut -f1) in $out"
