"""Gunicorn settings for production (`make serve`); every value can be set from the environment.

Sync workers: Larder's requests are short and CPU-bound (templates) or wait on PostgreSQL
briefly; sync workers are the simplest model that behaves under load. Scale with processes
(WEB_CONCURRENCY) and with more instances: no state lives in a worker's memory.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
# More than one thread: gthread workers, for a deployment that waits on a remote database more than
# it computes. Measured on the bench's 2 CPUs (bench/README.md, twelfth round), 2 x 4 threads made
# every request slower than 2 sync workers (one interpreter lock per worker), so sync stays the default.
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers after this many requests (0: never). A safety net, not a fix for leaks:
# the benchmark runs with 0 to measure real memory growth.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0
preload_app = False  # each worker opens its own database and Redis connections
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "larder"


def post_worker_init(worker):
    """Move what start-up made (the app, its routes, templates, SQL constructs) out of the
    garbage collector's sight: it is never freed, and scanning it made every full collection
    a pause in whichever request was running (a tail-latency spike under load)."""
    import gc

    gc.collect()
    gc.freeze()
