#!/usr/bin/env bash
# Build the container image with the tools Debian ships and start the app from it, without a container
# engine able to run containers: a Debian base made by mmdebstrap, podman build --isolation chroot from
# wheels fetched here (the standard offline build), then the image's filesystem exported and gunicorn
# started in it with chroot, on loopback. Requires root. Writes bench/results/image.json.
#   bash deploy/check-image.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
port="${ASL_IMAGE_PORT:-18999}"
tag="localhost/asl-digits:check"
cleanup() {
  if [ -n "${gunicorn_pid:-}" ]; then kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true; fi
  umount "$work/root/dev" 2>/dev/null || true
  rm -rf "$work"
  if [ -n "${made_wheels:-}" ]; then rm -rf wheels; fi
}
trap cleanup EXIT

missing=()
for tool in podman mmdebstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian's ${missing[*]} uidmap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" uidmap >/dev/null
fi

echo "== base: Debian bookworm minbase with Python (mmdebstrap)"
mmdebstrap --quiet --variant=minbase --include=python3,python3-venv,passwd bookworm "$work/base.tar"
podman import --quiet "$work/base.tar" localhost/asl-base:bookworm >/dev/null

echo "== image: podman build --isolation chroot, from wheels fetched here"
[ -d wheels ] || made_wheels=1  # a wheels folder already here is used and kept
python3 -m pip download --quiet --only-binary=:all: --python-version 3.11 -d wheels -r requirements-serve.txt
podman build --quiet --format docker --isolation chroot --build-arg BASE=localhost/asl-base:bookworm \
  --build-arg WHEELS=wheels -t "$tag" . >/dev/null
size_bytes="$(podman image inspect "$tag" --format '{{.Size}}')"

echo "== start gunicorn from the image's filesystem (chroot, user 10001) on 127.0.0.1:$port"
mkdir -p "$work/root"
container="$(podman create "$tag")"
podman export "$container" | tar -x -C "$work/root"
podman rm "$container" >/dev/null
mkdir -p "$work/root/dev" "$work/root/tmp" && chmod 1777 "$work/root/tmp"
mount --bind /dev "$work/root/dev"
started="$(date +%s.%N)"
chroot --userspec=10001:10001 "$work/root" /usr/bin/env -i PATH=/opt/venv/bin:/usr/bin:/bin HOME=/app \
  GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS=2 GUNICORN_WORKER_TMP_DIR=/tmp PYTHONDONTWRITEBYTECODE=1 \
  /bin/sh -c 'cd /app && exec gunicorn --config gunicorn.conf.py wsgi:app' >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!
ready=""
for _ in $(seq 1 300); do
  if python3 -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1).status != 200)" 2>/dev/null; then
    ready="$(python3 -c "import time; print(round(time.time() - $started, 2))")"
    break
  fi
  sleep 0.1
done
[ -n "$ready" ] || { cat "$work/gunicorn.log"; echo "the app in the image never became healthy" >&2; exit 1; }
python3 - "$port" "$size_bytes" "$ready" "$gunicorn_pid" <<'PY'
import json, sys, time, urllib.request, uuid
from pathlib import Path
port, size, ready, master = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
photo = Path("static/examples/digit_5.jpg").read_bytes()
boundary = uuid.uuid4().hex
body = (f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="hand.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + photo + f"\r\n--{boundary}--\r\n".encode())
request = urllib.request.Request(f"http://127.0.0.1:{port}/api/predict", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
for _ in range(8):  # both workers loaded and answering
    answer = json.load(urllib.request.urlopen(request, timeout=30))
    assert answer["digit"] in range(10), answer
    assert answer["models"]["geometry"] is not None, "the image serves without its hand-geometry model"
time.sleep(1)
def rss_mib(pid: str) -> float:
    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
    return round(int(line.split()[1]) / 1024, 1)

workers = Path(f"/proc/{master}/task/{master}/children").read_text().split()  # chroot, env and sh exec into gunicorn
report = {"image_bytes": size, "image_mib": round(size / 2**20, 1), "ready_s": ready,
          "master_rss_mib": rss_mib(master), "worker_rss_mib": [rss_mib(pid) for pid in workers],
          "predict": {"digit": answer["digit"], "confidence": answer["confidence"]}, "base": "Debian bookworm minbase (mmdebstrap)"}
Path("bench/results/image.json").write_text(json.dumps(report, indent=1) + "\n")
print(json.dumps(report))
PY
