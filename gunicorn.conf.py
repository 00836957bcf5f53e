"""Gunicorn settings for a CPU-bound model on a small machine; override with GUNICORN_* env."""

import multiprocessing
import os

# Loopback unless told otherwise: behind nginx (deploy/nginx.conf) nothing else should reach gunicorn.
# A container or a host serving directly sets GUNICORN_BIND=0.0.0.0:8000 (HeaderGuardWorker keeps slow
# header senders from holding threads there too).
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# One worker per core: inference is CPU-bound. A request alone in its worker uses ASL_INFERENCE_THREADS
# LiteRT threads (2); while others run, each uses one (recognition/interpreters.py).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
# Threads per worker: inference runs at most two at a time per worker (one per interpreter), so extra threads cost
# little; they keep a few slow or trickling clients (each holds a thread until its body arrives
# or the app's body timeout drops it) from starving everyone else (bench/hostile.py).
worker_class = "webapp.worker.HeaderGuardWorker"  # gthread, with headers read without holding a thread
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# The model is loaded in each worker after the fork: TensorFlow/LiteRT state is not fork-safe.
preload_app = False
# Requests that wait in the kernel backlog beyond this are refused rather than queued forever.
backlog = int(os.environ.get("GUNICORN_BACKLOG", 256))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
keepalive = 5
# Recycle workers now and then so that slow memory growth can never accumulate.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
limit_request_line = 4094
limit_request_fields = 100
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Heartbeat files: /dev/shm in containers with a read-only root (GUNICORN_WORKER_TMP_DIR); gunicorn's default otherwise.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
# No control socket: a second instance run by the same user would otherwise take over the first one's.
control_socket_disable = True
# Never serve the production app with the debugger.
raw_env = ["FLASK_DEBUG=0"]
