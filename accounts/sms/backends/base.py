class BaseSmsBackend:
    """What every SMS backend offers: send one message or raise SmsSendError."""

    def __init__(self, **kwargs):
        pass

    def send(self, message):
        raise NotImplementedError
