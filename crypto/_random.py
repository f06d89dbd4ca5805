"""The one source of randomness for the crypto package, with a hook for deterministic vectors."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

RandomSource = Callable[[int], bytes]

# A ContextVar rather than a module global, so an override in one thread (a test, the vector
# script) can never leak into another thread serving real requests.
_source: ContextVar[RandomSource | None] = ContextVar("pairbook_crypto_random", default=None)


def random_bytes(n: int) -> bytes:
    """Return `n` random bytes from the OS CSPRNG, or from the active override."""
    source = _source.get()
    out = secrets.token_bytes(n) if source is None else source(n)
    if len(out) != n:
        raise RuntimeError("random source returned the wrong number of bytes")
    return out


@contextmanager
def override_random(source: RandomSource) -> Iterator[None]:
    """Draw every random byte from `source` inside the block. For tests and vectors only."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)
