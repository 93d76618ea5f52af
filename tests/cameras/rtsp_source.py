"""A real RTSP camera on loopback for the RTSP tests: GStreamer's RTSP server streaming a moving test
pattern as RTP/JPEG. Runs under Debian's system Python (python3-gi, gir1.2-gst-rtsp-server-1.0 from
`make browser`), not the project's venv: `/usr/bin/python3 rtsp_source.py PORT`."""

import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

PIPELINE = (
    "( videotestsrc is-live=true pattern=ball ! video/x-raw,format=I420,width=640,height=360,framerate=10/1 "
    "! jpegenc quality=85 ! rtpjpegpay name=pay0 pt=26 )"
)


def main(port: int) -> None:
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(PIPELINE)
    factory.set_shared(True)
    server.get_mount_points().add_factory("/live", factory)
    if server.attach(None) == 0:
        sys.exit(f"could not listen on 127.0.0.1:{port}")
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main(int(sys.argv[1]))
