from pydantic import Field

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """taxes settings; every one has a default that suits a real office."""

    # tax.item.due `upcoming` goes out this many days before the due date.
    due_notice_days: int = Field(default=3, ge=0, le=60)
    # How often the worker looks for items coming due or overdue.
    due_scan_seconds: float = Field(default=300.0, gt=0)
    due_scheduler_enabled: bool = True
    max_import_bytes: int = Field(default=5_000_000, ge=1_000)
