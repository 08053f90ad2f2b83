"""gunicorn's settings for the site: `gunicorn -c gunicorn.conf.py config.wsgi` (README, Deploying).

Chosen with `python -m benchmarks.serve` on the 2-core machine (README, "Serving speed"). Each
value may be overridden from the environment below, or on gunicorn's command line.
"""

import os

# Behind nginx on the same machine; GUNICORN_BIND=unix:/run/firesafety/gunicorn.sock works too.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")

# One sync worker per core. Measured on 2 cores (README): 2 sync workers served the home page and
# the signed-in pages faster than gthread with 2 workers × 4 threads in both interleaved pairs of
# runs (a page is Python on the CPU; threads only add GIL hand-offs). nginx buffers slow clients,
# which is what sync workers need in front of them.
# The join's POST (one Argon2 hash each, a class at once) runs on a second gunicorn of this file
# with GUNICORN_WORKERS=1, so the hashes never take every worker (README, Deploying).
workers = int(os.environ.get("GUNICORN_WORKERS", str(os.cpu_count() or 1)))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
# More than 1 thread turns sync into gthread (gunicorn does so by itself).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that takes longer is a bug or a stuck database: the master kills the worker (the
# long work, Excel exports and video encoding, runs in db_worker instead).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30

# Recycle a worker now and then against slow leaks; the jitter keeps them from all restarting at
# once. The app is imported once in the master (preload), so a recycled worker forks with it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
preload_app = True

# No access log (gunicorn's default): nginx keeps it. Errors and the app's log go to stderr.
