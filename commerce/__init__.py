"""Django project: settings, urls, Celery app, and the Oscar forks other than the catalogue."""

from .celery import app as celery_app

__all__ = ("celery_app",)
