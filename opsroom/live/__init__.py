"""The live room's plumbing: domain events become LiveEvent rows, then pushes to channel-layer groups.

The socket notifies, the database stays the truth: a client that sees a gap in its stream, or
reconnects, asks ``/api/live/events/?since=<seq>`` for what it missed.
"""
