"""The Celery application.

With ``REDIS_URL`` set, tasks go to a Redis broker and run on workers; without it
(the demo), ``CELERY_TASK_ALWAYS_EAGER`` runs them in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commerce.settings")

app = Celery("commerce")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
