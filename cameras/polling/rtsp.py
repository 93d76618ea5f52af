"""Reading one frame of an RTSP stream through OpenCV's FFmpeg backend.

Blocking by nature (FFmpeg owns the socket), so callers run it in a thread; OpenCV's open and
read timeouts bound it. Credentials are put into the URL only here, at connect time, and never
appear in an error message.
"""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit

import cv2

from cameras.analysis.frames import MAX_PIXELS
from cameras.secrets import Credentials

# TCP interleaving passes firewalls and NAT that drop RTP over UDP; read once, before any capture.
os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_transport;tcp")

JPEG_QUALITY = 90


class RtspError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def with_credentials(url: str, credentials: Credentials | None) -> str:
    if credentials is None:
        return url
    parts = urlsplit(url)
    userinfo = quote(credentials.username, safe="")
    if credentials.password:
        userinfo += ":" + quote(credentials.password, safe="")
    return urlunsplit(parts._replace(netloc=f"{userinfo}@{parts.netloc}"))


def read_rtsp_frame(url: str, credentials: Credentials | None, timeout_s: float) -> bytes:
    """The stream's first decodable frame, as JPEG bytes."""
    milliseconds = max(1, round(timeout_s * 1000))
    capture = cv2.VideoCapture(
        with_credentials(url, credentials),
        cv2.CAP_FFMPEG,
        [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, milliseconds, cv2.CAP_PROP_READ_TIMEOUT_MSEC, milliseconds],
    )
    try:
        if not capture.isOpened():
            raise RtspError("offline", "the RTSP stream could not be opened")
        ok, frame = capture.read()
        if not ok or frame is None or frame.size == 0:
            raise RtspError("timeout", "the RTSP stream sent no frame in time")
    finally:
        capture.release()
    height, width = frame.shape[:2]
    if width * height > MAX_PIXELS:
        raise RtspError("too_large", f"the RTSP stream's frames are {width}x{height} pixels, over the cap")
    ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise RtspError("invalid", "the RTSP frame could not be encoded")
    return bytes(encoded.tobytes())
