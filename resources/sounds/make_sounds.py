"""Writes the three feedback cues next to this script: success, error and attention (16-bit mono WAV).

Run `python resources/sounds/make_sounds.py` to make them again; the UI plays them (ui/feedback.py).
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
VOLUME = 0.6


def tone(freq: float, seconds: float, *, square: bool = False) -> list[float]:
    """A tone with 5 ms fades at both ends, so it starts and stops without a click."""
    count = int(RATE * seconds)
    fade = int(RATE * 0.005)
    samples = []
    for i in range(count):
        wave_value = math.sin(2 * math.pi * freq * i / RATE)
        if square:
            wave_value = 0.6 if wave_value >= 0 else -0.6
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        samples.append(wave_value * envelope)
    return samples


def silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def cues() -> dict[str, list[float]]:
    return {
        "success": tone(880, 0.09) + silence(0.03) + tone(1320, 0.14),
        "error": tone(180, 0.45, square=True),
        "attention": tone(660, 0.08) + silence(0.06) + tone(660, 0.08) + silence(0.06) + tone(660, 0.08),
    }


def write(path: Path, samples: list[float]) -> None:
    frames = b"".join(struct.pack("<h", round(s * VOLUME * 32767)) for s in samples)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def main() -> None:
    here = Path(__file__).resolve().parent
    for name, samples in cues().items():
        write(here / f"{name}.wav", samples)


if __name__ == "__main__":
    main()
