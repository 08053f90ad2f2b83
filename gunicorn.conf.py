"""gunicorn's settings for the site: `gunicorn -c gunicorn.conf.py config.wsgi` (README, Deploying).

Chosen with `python -m benchmarks.serve` on the 2-core machine (README, "Serving speed"). Each
value may be overridden from the environment below, or on gunicorn's command line.
"""

import os

# Behind nginx on the same machine; GUNICORN_BIND=unix:/run/firesafety/gunicorn.sock works too.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")

workers = int(os.environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 1)))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request that takes longer is a bug or a stuck database: the master kills the worker (the
# long work, Excel exports and video encoding, runs in db_worker instead).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Recycle a worker now and then against slow leaks; the jitter keeps them from all restarting at
# once. With the app preloaded in the master, a recycled worker forks ready in milliseconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
preload_app = True

# nginx keeps the access log; errors and the app's own log go to stderr (the journal).
errorlog = "-"
