from email.utils import parseaddr

from pydantic import Field, SecretStr, field_validator

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """messaging settings: the SMTP relay, the sender, and how hard to retry."""

    smtp_host: str = Field(min_length=1)
    smtp_port: int = Field(ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    # STARTTLS upgrade on a plain port (587); implicit TLS is port 465 with smtp_tls.
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout_seconds: float = Field(default=20.0, gt=0)
    mail_sender: str = Field(
        default="Rachmistrz <powiadomienia@rachmistrz.local>",
        min_length=3,
        description="From: of every e-mail, `Name <address>`.",
    )
    mail_max_attempts: int = Field(default=8, ge=1, le=50)
    mail_retry_base_seconds: float = Field(default=5.0, gt=0)
    mail_poll_seconds: float = Field(default=5.0, gt=0)
    # A claim older than this is taken to be a crashed sender's and is sent again.
    mail_lease_seconds: float = Field(default=120.0, gt=0)
    # Where users open the web application; links in e-mails point there.
    public_url: str = "http://127.0.0.1:8080"
    # An event stream is closed after this long; EventSource reconnects by itself, and a
    # bounded stream lets a shutting-down process drain its connections.
    sse_max_seconds: float = Field(default=300.0, gt=0)
    sse_keepalive_seconds: float = Field(default=15.0, gt=0)
    # The files API: message attachments are checked there (exist, the thread's company's,
    # not deleted) with the caller's own token. Default: files on the dev stack.
    files_url: str = "http://127.0.0.1:58106"
    files_timeout_seconds: float = Field(default=5.0, gt=0)

    @field_validator("mail_sender")
    @classmethod
    def _sender_has_address(cls, sender: str) -> str:
        if "@" not in parseaddr(sender)[1]:
            raise ValueError("must be an e-mail address, e.g. `Rachmistrz <biuro@example.pl>`")
        return sender
