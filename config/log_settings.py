"""Production logging: every record to stderr with the id of the request it belongs to.

The id comes from the proxy's X-Request-ID header (nginx: `proxy_set_header X-Request-ID
$request_id;`), or is generated when absent or not a UUID (django-guid, settings DJANGO_GUID),
and is returned in the response's X-Request-ID header: a person reporting an error can quote it,
and one grep finds every line of that request. Outside a request (db_worker, cron) it is "None".
"""

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def production_logging(level="INFO", *, mail_admins=False):
    """A LOGGING dict: stderr at `level`; with `mail_admins`, request errors mailed to ADMINS."""
    django_handlers = ["mail_admins"] if mail_admins else []
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {
                "()": "django_guid.log_filters.CorrelationId",
                "correlation_id_field": "request_id",
            },
        },
        "formatters": {"with_request_id": {"format": FORMAT}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["request_id"],
                "formatter": "with_request_id",
            },
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["request_id"],
                "formatter": "with_request_id",
            },
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Django's own errors reach stderr through the root; mail only when asked.
            "django": {"handlers": django_handlers, "level": "INFO", "propagate": True},
            # One line per request ("header not found, generated ...") would drown the rest.
            "django_guid": {"level": "WARNING"},
        },
    }
