"""Wiring of the reports service: settings, adapters, use cases, entry points."""

from __future__ import annotations

from litestar import Litestar

from parley_platform.runtime import ServiceRuntime

from .adapters.mongo_journal import MongoEventJournal
from .application.record_event import RecordEvent
from .entrypoints.subscribers import subscribe
from .settings import ReportsSettings


def create_app(settings: ReportsSettings | None = None) -> Litestar:
    settings = settings or ReportsSettings()
    runtime = ServiceRuntime(settings)
    journal = MongoEventJournal(runtime.db)
    runtime.on_startup(journal.ensure_indexes)
    subscribe(runtime, RecordEvent(journal))
    return runtime.asgi_app()
