from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """taxes settings; tax items and their scheduler arrive with issue 8."""
