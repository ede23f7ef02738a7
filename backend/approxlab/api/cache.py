"""Serialized responses stored once in every encoding, and a segmented LRU of them.

A cache hit must cost nothing: the body is compressed once, when it is computed (off the
event loop), and every later hit sends stored bytes — identity, gzip, or brotli when the
``brotli`` wheel is installed — each with its own strong ETag.

The cache is a segmented LRU (SLRU, as in W-TinyLFU's main region): a new entry enters a
*probationary* segment (20 % of the bytes); a second hit promotes it to the *protected*
segment (80 %).  A sweep of one-off requests only churns the probationary segment, so the
warm set — the URLs a class actually shares — survives it.  Entries evicted from the
protected segment drop back to probation, as in SLRU.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from approxlab import __version__

try:  # optional: a binary wheel on PyPI; without it only gzip is offered
    import brotli as _brotli
except ImportError:  # pragma: no cover - depends on the environment
    _brotli = None

#: Bodies shorter than this are sent as they are (compression would not pay).
MIN_COMPRESS = 512
GZIP_LEVEL = 6
BROTLI_QUALITY = 5


def etag_for(body: bytes) -> str:
    digest = hashlib.blake2b(body, digest_size=16, key=__version__.encode()).hexdigest()
    return f'"{digest}"'


@dataclass(frozen=True)
class Representations:
    """One body in every encoding we serve, each with its strong ETag."""

    identity: bytes
    etag: str
    gzip: bytes | None = None
    br: bytes | None = None
    encoded_etags: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, body: bytes, compress: bool = True) -> Representations:
        """Compress ``body`` (call this off the event loop: ~1 ms per 100 kB)."""
        etag = etag_for(body)
        if not compress or len(body) < MIN_COMPRESS:
            return cls(body, etag)
        gz = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        br = _brotli.compress(body, quality=BROTLI_QUALITY) if _brotli is not None else None
        tags = {"gzip": etag[:-1] + '-gz"'}
        if br is not None:
            tags["br"] = etag[:-1] + '-br"'
        return cls(body, etag, gz, br, tags)

    @property
    def nbytes(self) -> int:
        return len(self.identity) + len(self.gzip or b"") + len(self.br or b"")

    @property
    def compressible(self) -> bool:
        return self.gzip is not None

    def select(self, accept_encoding: str) -> tuple[bytes, str, str | None]:
        """(body, etag, content-encoding) for a request's ``Accept-Encoding``."""
        if self.gzip is not None and accept_encoding:
            accepted = _accepted(accept_encoding)
            if self.br is not None and accepted.get("br", 0) > 0:
                return self.br, self.encoded_etags["br"], "br"
            if accepted.get("gzip", accepted.get("x-gzip", 0)) > 0:
                return self.gzip, self.encoded_etags["gzip"], "gzip"
        return self.identity, self.etag, None

    def all_etags(self) -> set[str]:
        return {self.etag, *self.encoded_etags.values()}


def _accepted(header: str) -> dict[str, float]:
    """Codings and their q-values; ``*`` stands for every coding not listed."""
    out: dict[str, float] = {}
    for part in header.lower().split(",")[:32]:
        name, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if name:
            out[name.strip()] = q
    star = out.pop("*", None)
    if star is not None:
        for coding in ("br", "gzip"):
            out.setdefault(coding, star)
    return out


class SegmentedLRU:
    """A thread-safe SLRU of :class:`Representations`, bounded by their total bytes."""

    def __init__(self, max_bytes: int, protected_share: float = 0.8):
        self.max_bytes = max_bytes
        self.protected_max = int(max_bytes * protected_share)
        self._probation: OrderedDict[str, Representations] = OrderedDict()
        self._protected: OrderedDict[str, Representations] = OrderedDict()
        self._probation_bytes = 0
        self._protected_bytes = 0
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        return self._probation_bytes + self._protected_bytes

    def __len__(self) -> int:
        return len(self._probation) + len(self._protected)

    def __contains__(self, key: str) -> bool:
        return key in self._probation or key in self._protected

    def get(self, key: str) -> Representations | None:
        with self._lock:
            hit = self._protected.get(key)
            if hit is not None:
                self._protected.move_to_end(key)
                return hit
            hit = self._probation.pop(key, None)
            if hit is None:
                return None
            self._probation_bytes -= hit.nbytes
            self._protected[key] = hit  # second use: promote
            self._protected_bytes += hit.nbytes
            while self._protected_bytes > self.protected_max and len(self._protected) > 1:
                old_key, old = self._protected.popitem(last=False)
                self._protected_bytes -= old.nbytes
                self._probation[old_key] = old  # demoted to the most recent probation slot
                self._probation_bytes += old.nbytes
            self._evict()
            return hit

    def put(self, key: str, value: Representations, protected: bool = False) -> None:
        """Store a new entry on probation, or (``protected``: the startup warm-up's curated
        set) directly in the protected segment while it has room."""
        if value.nbytes > self.max_bytes // 8:
            return  # one result never holds an eighth of the cache
        with self._lock:
            if key in self._probation or key in self._protected:
                return
            if protected and self._protected_bytes + value.nbytes <= self.protected_max:
                self._protected[key] = value
                self._protected_bytes += value.nbytes
            else:
                self._probation[key] = value
                self._probation_bytes += value.nbytes
            self._evict()

    def _evict(self) -> None:
        while self.nbytes > self.max_bytes and self._probation:
            _, old = self._probation.popitem(last=False)
            self._probation_bytes -= old.nbytes
        while self.nbytes > self.max_bytes and self._protected:
            _, old = self._protected.popitem(last=False)
            self._protected_bytes -= old.nbytes
