"""Events produced by `messaging`."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from contracts.envelope import EventData
from contracts.registry import EventSpec, register


class MessagePosted(EventData):
    """A message was posted in a thread between a company and its office."""

    thread_id: UUID
    message_id: UUID
    company_id: UUID
    office_id: UUID | None = None
    author_user_id: UUID | None = Field(default=None, description="None: posted by the system.")
    author_side: str = Field(description="office | company | system")
    excerpt: str = Field(max_length=200)


MESSAGE_POSTED = register(
    EventSpec("message.posted", 1, MessagePosted, MessagePosted.__doc__ or "")
)
