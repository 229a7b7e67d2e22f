"""Every Kafka topic of the system with its partition count.

Keys are the company (or organisation) id, so partitions bound the parallelism of a consumer
group and keep each company's events in order. `invoice.fetched` carries the most traffic
(every invoice of every client company) and gets the most partitions. Each topic has a
`<topic>.dlq` with one partition for payloads a consumer could not accept.
"""

from __future__ import annotations

from contracts.registry import TopicSpec

TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec("org.created", 6, "An office or company organisation was created."),
    TopicSpec("org.updated", 6, "An organisation's name or address changed."),
    TopicSpec("org.client.linked", 6, "An office took a company on as its client."),
    TopicSpec("org.client.unlinked", 6, "An office stopped serving a company."),
    TopicSpec("org.assignment.changed", 6, "An office user's assigned clients changed."),
    TopicSpec("user.created", 3, "A user account was created."),
    TopicSpec("user.membership.changed", 6, "A user joined, changed role in or left an org."),
    TopicSpec("notification.requested", 6, "Someone must be told something (e-mail)."),
    TopicSpec("invoice.fetched", 12, "An invoice was downloaded from KSeF."),
    TopicSpec("invoice.sent", 6, "An issued invoice was accepted by KSeF."),
    TopicSpec("invoice.send.failed", 6, "KSeF rejected an issued invoice."),
    TopicSpec("invoice.send.requested", 6, "A user asked to send an invoice to KSeF."),
    TopicSpec("invoice.approved", 6, "A client approved an invoice for booking."),
    TopicSpec("inquiry.requested", 6, "A user asked the office about some invoices."),
    TopicSpec("ksef.authorization.changed", 6, "A company's KSeF authorisation changed."),
    TopicSpec("ksef.sync.completed", 6, "One sync round of a company finished."),
    TopicSpec("ksef.availability.changed", 1, "KSeF became unavailable or available again."),
    TopicSpec("tax.item.created", 6, "The office entered a tax or fee item."),
    TopicSpec("tax.item.due", 6, "A tax or fee item is due soon or overdue."),
    TopicSpec("message.posted", 6, "A message was posted in a thread."),
    TopicSpec("file.uploaded", 6, "A file was uploaded."),
)

DLQ_PARTITIONS = 1


def topic(name: str) -> TopicSpec:
    for spec in TOPICS:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown topic {name!r}")
