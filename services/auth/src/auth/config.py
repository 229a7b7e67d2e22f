from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """auth settings; signing keys and token lifetimes arrive with accounts (issue 5)."""

    max_clients_per_request: int = 1000
