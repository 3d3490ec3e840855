"""Processing a stored message: parse, decide where it belongs, and change tickets through the actions."""


def process(inbound_id):
    raise NotImplementedError
