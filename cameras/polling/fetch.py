"""Fetching one frame from a camera, within limits a hostile or broken camera cannot push past.

Only http, https (JPEG snapshot or MJPEG stream) and rtsp URLs; one deadline for the whole
fetch; a cap on the bytes read (an endless body stops at the cap, compressed bodies are refused
rather than inflated); redirects followed only to the same host, a few times. Credentials come
from ``cameras.secrets`` at fetch time, by HTTP basic auth (or into the RTSP URL at connect time).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urljoin, urlsplit

import aiohttp
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cameras.choices import SOURCE_SCHEMES, SourceKind
from cameras.polling.rtsp import RtspError, read_rtsp_frame
from cameras.secrets import Credentials, CredentialsUnreadable, unseal

if TYPE_CHECKING:
    from cameras.models import Camera

MAX_URL_LENGTH = 500  # Camera.url's max_length
MAX_REDIRECTS = 3
CHUNK_SIZE = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_UNSAFE_CHARACTER = re.compile(r"[\s\x00-\x1f\x7f]")
_ACCEPTED_TYPES = ("image/", "application/octet-stream")
T = TypeVar("T")


class FailureKind(StrEnum):
    OFFLINE = "offline"  # refused, reset or unreachable
    TIMEOUT = "timeout"
    HTTP_ERROR = "http_error"
    TOO_LARGE = "too_large"
    REDIRECT = "redirect"
    INVALID = "invalid"  # an answer, but not an image
    REFUSED = "refused"  # a URL the poller may not fetch
    CREDENTIALS = "credentials"  # stored credentials no longer decrypt
    NO_WORKER = "no_worker"  # a camera on a polling network, and no worker there answered (cameras.reach)


FAILURE_LABELS = {
    FailureKind.OFFLINE: gettext_lazy("Unreachable"),
    FailureKind.TIMEOUT: gettext_lazy("No answer in time"),
    FailureKind.HTTP_ERROR: gettext_lazy("HTTP error"),
    FailureKind.TOO_LARGE: gettext_lazy("Answer too large"),
    FailureKind.REDIRECT: gettext_lazy("Redirected to another host"),
    FailureKind.INVALID: gettext_lazy("Not an image"),
    FailureKind.REFUSED: gettext_lazy("URL not allowed"),
    FailureKind.CREDENTIALS: gettext_lazy("Stored credentials unreadable"),
    FailureKind.NO_WORKER: gettext_lazy("No poller inside the camera's network answered"),
}

# Which failures are the camera's (offline) and which mean it answered with something unusable.
INVALID_KINDS = {FailureKind.INVALID, FailureKind.TOO_LARGE}


class FetchError(Exception):
    """A fetch that produced no frame. ``message`` is technical, for the operator's detail view;
    ``FAILURE_LABELS[kind]`` is what a page shows."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = FailureKind(kind)
        self.message = message


@dataclass(frozen=True)
class FetchLimits:
    timeout_s: float
    max_bytes: int
    max_redirects: int = MAX_REDIRECTS

    @classmethod
    def from_settings(cls) -> FetchLimits:
        return cls(timeout_s=float(settings.CAMERA_FETCH_TIMEOUT_S), max_bytes=settings.CAMERA_FETCH_MAX_BYTES)


def validate_source_url(kind: str, url: str) -> str:
    """The URL as it will be stored, or ValueError with a message a person can act on."""
    if kind not in SOURCE_SCHEMES:
        raise ValueError(_("Unknown source kind “%(kind)s”.") % {"kind": kind})
    url = url.strip()
    if not url:
        raise ValueError(_("Enter the camera's URL."))
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(_("The URL is longer than %(max)d characters.") % {"max": MAX_URL_LENGTH})
    if _UNSAFE_CHARACTER.search(url):
        raise ValueError(_("The URL must not contain spaces or control characters."))
    schemes = sorted(SOURCE_SCHEMES[kind])
    parts = urlsplit(url)
    if parts.scheme.lower() not in schemes:
        raise ValueError(
            _("A source of kind “%(kind)s” needs a URL starting with %(schemes)s.")
            % {"kind": SourceKind(kind).label, "schemes": _(" or ").join(f"{s}://" for s in schemes)}
        )
    if "@" in parts.netloc:
        raise ValueError(_("Put the user name and password in the credential fields, not in the URL."))
    if not parts.hostname:
        raise ValueError(_("The URL has no host name or address."))
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ValueError(_("The URL's port is not a number between 0 and 65535.")) from None
    return url


def new_session(concurrency: int) -> aiohttp.ClientSession:
    """A session for polling: connections kept alive and reused, bodies never inflated."""
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0, ttl_dns_cache=300)
    return aiohttp.ClientSession(
        connector=connector,
        auto_decompress=False,
        timeout=aiohttp.ClientTimeout(total=None),
        headers={"Accept-Encoding": "identity", "User-Agent": "Opsroom camera poller"},
    )


async def fetch_frame(
    session: aiohttp.ClientSession,
    kind: str,
    url: str,
    credentials: Credentials | None,
    limits: FetchLimits,
) -> bytes:
    """One frame's bytes (JPEG for a snapshot, MJPEG and RTSP; PNG if a camera sends it)."""
    try:
        validate_source_url(kind, url)
    except ValueError as exc:
        raise FetchError(FailureKind.REFUSED, str(exc)) from None
    if kind == SourceKind.RTSP:
        return await _fetch_rtsp(url, credentials, limits)
    try:
        async with asyncio.timeout(limits.timeout_s):
            return await _fetch_http(session, kind, url, credentials, limits)
    except TimeoutError:
        raise FetchError(FailureKind.TIMEOUT, f"no complete answer within {limits.timeout_s:g} s") from None
    except aiohttp.ClientResponseError as exc:
        raise FetchError(FailureKind.HTTP_ERROR, f"malformed HTTP answer ({exc.message})") from None
    except aiohttp.InvalidURL:
        raise FetchError(FailureKind.REFUSED, "the URL could not be used") from None
    except (aiohttp.ClientError, OSError) as exc:
        raise FetchError(FailureKind.OFFLINE, _describe(exc)) from None


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


async def _fetch_http(
    session: aiohttp.ClientSession, kind: str, url: str, credentials: Credentials | None, limits: FetchLimits
) -> bytes:
    headers = {"Authorization": aiohttp.encode_basic_auth(credentials.username, credentials.password)} \
        if credentials else None
    host = (urlsplit(url).hostname or "").lower()
    current = url
    for _hop in range(limits.max_redirects + 1):
        async with session.get(current, headers=headers, allow_redirects=False) as response:
            if response.status in REDIRECT_STATUSES:
                current = _redirect_target(current, response.headers.get("Location"), host)
                continue
            if response.status >= 400:
                raise FetchError(FailureKind.HTTP_ERROR, f"HTTP {response.status} {response.reason or ''}".strip())
            if response.status != 200:
                raise FetchError(FailureKind.INVALID, f"HTTP {response.status} without an image")
            if response.headers.get("Content-Encoding", "identity").lower() not in ("identity", ""):
                raise FetchError(FailureKind.INVALID, "compressed answer; cameras must send the image as is")
            content_type = response.headers.get("Content-Type", "").lower()
            if kind == SourceKind.MJPEG and content_type.startswith("multipart/"):
                return await _first_mjpeg_part(response, content_type, limits.max_bytes)
            if content_type and not content_type.startswith(_ACCEPTED_TYPES):
                raise FetchError(FailureKind.INVALID, f"answered with {content_type.split(';')[0]}, not an image")
            return await _read_capped(response, limits.max_bytes)
    raise FetchError(FailureKind.REDIRECT, f"more than {limits.max_redirects} redirects")


def _redirect_target(current: str, location: str | None, host: str) -> str:
    if not location:
        raise FetchError(FailureKind.HTTP_ERROR, "redirect without a Location")
    target = urljoin(current, location)
    parts = urlsplit(target)
    if parts.scheme.lower() not in ("http", "https") or (parts.hostname or "").lower() != host:
        raise FetchError(FailureKind.REDIRECT, f"redirected to another host ({parts.hostname or '?'})")
    if "@" in parts.netloc:
        raise FetchError(FailureKind.REDIRECT, "redirected to a URL with credentials in it")
    return target


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise FetchError(FailureKind.TOO_LARGE, f"announces {declared} bytes, over the {max_bytes} byte cap")
    body = bytearray()
    async for chunk in response.content.iter_chunked(CHUNK_SIZE):
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(FailureKind.TOO_LARGE, f"answer longer than the {max_bytes} byte cap")
    if not body:
        raise FetchError(FailureKind.INVALID, "empty answer")
    return bytes(body)


_BOUNDARY = re.compile(r'boundary="?([^";,]+)"?', re.IGNORECASE)
_PART_LENGTH = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)


async def _first_mjpeg_part(response: aiohttp.ClientResponse, content_type: str, max_bytes: int) -> bytes:
    """The first complete part of a multipart/x-mixed-replace stream; the rest is never read."""
    found = _BOUNDARY.search(content_type)
    if found is None:
        raise FetchError(FailureKind.INVALID, "MJPEG stream without a boundary")
    boundary = found.group(1).strip()
    delimiter = (boundary if boundary.startswith("--") else "--" + boundary).encode("latin-1")
    buffer = bytearray()
    async for chunk in response.content.iter_any():
        buffer += chunk
        part = first_part(buffer, delimiter, max_bytes)
        if part is not None:
            return part
        if len(buffer) > max_bytes:
            raise FetchError(FailureKind.TOO_LARGE, f"no complete frame within the {max_bytes} byte cap")
    raise FetchError(FailureKind.INVALID, "the MJPEG stream ended before a complete frame")


def first_part(buffer: bytes | bytearray, delimiter: bytes, max_bytes: int) -> bytes | None:
    """The body of the first complete part in ``buffer``, or None while more bytes are needed."""
    start = buffer.find(delimiter)
    if start < 0:
        return None
    head_end = buffer.find(b"\r\n\r\n", start)
    if head_end < 0:
        return None
    body_start = head_end + 4
    length = _PART_LENGTH.search(bytes(buffer[start:head_end]))
    if length is not None:
        size = int(length.group(1))
        if size > max_bytes:
            raise FetchError(FailureKind.TOO_LARGE, f"MJPEG frame of {size} bytes, over the {max_bytes} byte cap")
        if size == 0:
            raise FetchError(FailureKind.INVALID, "empty MJPEG frame")
        return bytes(buffer[body_start : body_start + size]) if len(buffer) >= body_start + size else None
    end = buffer.find(delimiter, body_start)
    if end < 0:
        return None
    part = bytes(buffer[body_start:end]).rstrip(b"\r\n")
    if not part:
        raise FetchError(FailureKind.INVALID, "empty MJPEG frame")
    return part


async def _fetch_rtsp(url: str, credentials: Credentials | None, limits: FetchLimits) -> bytes:
    # OpenCV's own timeouts end the read; the outer deadline only guards against a backend that
    # ignores them (the thread then finishes on its own, its result dropped).
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(read_rtsp_frame, url, credentials, limits.timeout_s), limits.timeout_s * 2 + 1
        )
    except TimeoutError:
        raise FetchError(FailureKind.TIMEOUT, f"the RTSP stream sent no frame within {limits.timeout_s:g} s") from None
    except RtspError as exc:
        raise FetchError(exc.kind, exc.message) from None


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from synchronous code (a page, a task) on a loop of its own."""
    return asyncio.run(coroutine)


def fetch_frame_now(camera: Camera, limits: FetchLimits | None = None) -> bytes:
    """One frame at once, for "capture now" and the live frame of a page. Raises FetchError."""
    try:
        credentials = unseal(camera.credentials)
    except CredentialsUnreadable as exc:
        raise FetchError(FailureKind.CREDENTIALS, str(exc)) from None
    limits = limits or FetchLimits.from_settings()

    async def fetch() -> bytes:
        async with new_session(1) as session:
            return await fetch_frame(session, camera.source_kind, camera.url, credentials, limits)

    return run_sync(fetch())
