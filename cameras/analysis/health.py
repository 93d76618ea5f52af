"""A camera's health over successive polls: its learned normal per hour of the day, the last
frame's signature (for frozen) and the hysteresis that lets a status change only after several
consecutive polls agree. Serialises to a plain dict so it can live in a JSONField."""

import base64
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from cameras.analysis.frames import FrameReading
from cameras.analysis.verdicts import Judgement, Limits, Normal, Verdict, judge

# What FrameReading.sharpness means in a stored dict's learned hours. Bump it when the measure
# changes: older hours keep their brightness and relearn only their sharpness (version 1, absent
# from old dicts, was the global Laplacian std / luminance std at a 320-pixel working width).
MEASURES_VERSION = 2
CONSECUTIVE = 3
WARMUP = 5  # readings before an hour's learned normal is trusted
LEARNING_RATE = 0.1  # exponential moving average weight of a new reading


class Status(StrEnum):
    UNKNOWN = "unknown"
    ONLINE = "online"
    OFFLINE = "offline"
    INVALID = "invalid"
    COVERED = "covered"
    OVEREXPOSED = "overexposed"
    DARK = "dark"
    FROZEN = "frozen"
    MOVED = "moved"
    BLURRED = "blurred"


def status_of(verdict: Verdict) -> Status:
    return Status.ONLINE if verdict is Verdict.OK else Status(verdict.value)


@dataclass
class HourNormal:
    brightness: float
    sharpness: float | None  # None: learned under an older measure, relearned from the next good frame
    samples: int = 1

    def learn(self, reading: FrameReading) -> None:
        self.brightness += LEARNING_RATE * (reading.brightness - self.brightness)
        if self.sharpness is None:
            self.sharpness = reading.sharpness
        else:
            self.sharpness += LEARNING_RATE * (reading.sharpness - self.sharpness)
        self.samples += 1


@dataclass(frozen=True)
class Observation:
    verdict: Verdict
    status: Status
    changed: bool
    measurements: dict[str, Any]


@dataclass
class CameraHealth:
    status: Status = Status.UNKNOWN
    candidate: Status | None = None  # the status the recent polls point to, if not the current one
    streak: int = 0  # how many consecutive polls have pointed to the candidate
    signature: bytes | None = None  # of the last decoded frame
    hours: dict[int, HourNormal] = field(default_factory=dict)  # hour of the day in the site's zone
    consecutive: int = CONSECUTIVE

    def observe(
        self,
        reading: FrameReading,
        now: datetime,
        reference: FrameReading | None = None,
        limits: Limits = Limits(),  # noqa: B008 - frozen dataclass, safe as a default
    ) -> Observation:
        """Judge a decoded frame; `now` is aware and in the camera's local zone."""
        normal = self.hours.get(now.hour)
        trusted = Normal(normal.brightness, normal.sharpness) if normal and normal.samples >= WARMUP else Normal()
        judgement = judge(
            reading, reference=reference, previous_signature=self.signature, normal=trusted, limits=limits
        )
        self.signature = reading.signature
        self._learn(now.hour, reading, judgement)
        return self._settle(judgement.verdict, {**judgement.measurements, "learned": trusted != Normal()})

    def observe_failure(self, kind: str, now: datetime) -> Observation:
        """A fetch that failed (unreachable, timeout, HTTP error): evidence of offline."""
        return self._settle(Verdict.OFFLINE, {"failure": kind})

    def observe_invalid(self, reason: str, now: datetime) -> Observation:
        """An answer that is not a usable image (InvalidFrame's message)."""
        self.signature = None
        return self._settle(Verdict.INVALID, {"reason": reason})

    def _learn(self, hour: int, reading: FrameReading, judgement: Judgement) -> None:
        # While an hour is warming up, dim and soft frames are learned too: a camera whose
        # night is dark or whose lens is soft is normal, not faulty. After that only good frames.
        normal = self.hours.get(hour)
        warming = normal is None or normal.samples < WARMUP
        learnable = {Verdict.OK, Verdict.DARK, Verdict.BLURRED} if warming else {Verdict.OK}
        if judgement.verdict not in learnable:
            return
        if normal is None:
            self.hours[hour] = HourNormal(reading.brightness, reading.sharpness)
        else:
            normal.learn(reading)

    def _settle(self, verdict: Verdict, measurements: dict[str, Any]) -> Observation:
        pointed = status_of(verdict)
        changed = False
        if self.status is Status.UNKNOWN:
            self.status, changed = pointed, True
            self.candidate, self.streak = None, 0
        elif pointed is self.status:
            self.candidate, self.streak = None, 0
        else:
            self.streak = self.streak + 1 if pointed is self.candidate else 1
            self.candidate = pointed
            if self.streak >= self.consecutive:
                self.status, changed = pointed, True
                self.candidate, self.streak = None, 0
        return Observation(verdict, self.status, changed, measurements)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "candidate": self.candidate.value if self.candidate else None,
            "streak": self.streak,
            "signature": base64.b64encode(self.signature).decode() if self.signature is not None else None,
            "hours": {
                str(hour): {"brightness": n.brightness, "sharpness": n.sharpness, "samples": n.samples}
                for hour, n in self.hours.items()
            },
            "consecutive": self.consecutive,
            "measures": MEASURES_VERSION,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CameraHealth":
        signature = data.get("signature")
        candidate = data.get("candidate")
        current = data.get("measures", 1) == MEASURES_VERSION
        return cls(
            status=Status(data.get("status", Status.UNKNOWN)),
            candidate=Status(candidate) if candidate else None,
            streak=int(data.get("streak", 0)),
            signature=base64.b64decode(signature) if signature and current else None,  # sampled differently
            hours={
                int(hour): HourNormal(
                    float(n["brightness"]),
                    float(n["sharpness"]) if current and n.get("sharpness") is not None else None,
                    int(n["samples"]),
                )
                for hour, n in data.get("hours", {}).items()
            },
            consecutive=int(data.get("consecutive", CONSECUTIVE)),
        )
