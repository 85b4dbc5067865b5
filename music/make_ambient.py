"""Make kapdesk's own ambient tracks: slow, soft pads and drones of different moods.

Everything here is synthesised from sine waves and filtered noise, so the project owns the
audio outright. Regenerate with:

    pip install -e '.[music-tools]' && python music/make_ambient.py

The output is deterministic (fixed seeds) and small (OGG Vorbis, mono, 22.05 kHz).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 22_050
ARTIST = "kapdesk ambient"
BLOCK = 16_384
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Piece:
    file: str
    title: str
    minutes: float
    notes_hz: tuple[float, ...]  # the chord the pad holds
    drone_hz: float
    swell_s: float  # seconds per slow swell of loudness
    noise: float  # how much soft "air" (filtered noise) under the pad
    brightness: float  # share of the second and third partials
    seed: int


PIECES = (
    Piece("slow_tide.ogg", "Slow Tide", 3.5, (110.0, 164.8, 220.0), 55.0, 19.0, 0.35, 0.15, 1),
    Piece("lantern_field.ogg", "Lantern Field", 3.0, (130.8, 164.8, 196.0, 246.9), 65.4, 14.0,
          0.12, 0.30, 2),
    Piece("under_cedar.ogg", "Under Cedar", 3.0, (146.8, 174.6, 220.0, 261.6), 73.4, 23.0,
          0.20, 0.10, 3),
    Piece("night_harbour.ogg", "Night Harbour", 3.5, (98.0, 146.8, 392.0, 587.3), 49.0, 17.0,
          0.28, 0.22, 4),
)


def pad(piece: Piece, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.zeros_like(t)
    for index, freq in enumerate(piece.notes_hz):
        phase = rng.uniform(0, 2 * np.pi)
        swell = 0.55 + 0.45 * np.sin(2 * np.pi * t / (piece.swell_s * (1 + 0.17 * index)) + phase)
        for detune in (-0.6, 0.0, 0.7):  # three slightly detuned voices: a slow chorus
            f = freq + detune
            voice = np.sin(2 * np.pi * f * t + phase)
            voice += piece.brightness * np.sin(2 * np.pi * 2 * f * t + 2 * phase)
            voice += piece.brightness / 3 * np.sin(2 * np.pi * 3 * f * t + 3 * phase)
            out += voice * swell
    drone = np.sin(2 * np.pi * piece.drone_hz * t) * (0.8 + 0.2 * np.sin(2 * np.pi * t / 31))
    return out / (3 * len(piece.notes_hz)) + 0.5 * drone


def air(piece: Piece, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Soft noise, low-passed twice, breathing in and out like distant water."""
    noise = rng.standard_normal(t.size)
    for _ in range(2):
        noise = np.convolve(noise, np.ones(64) / 64, mode="same")
    noise /= np.max(np.abs(noise)) or 1.0
    breath = 0.5 + 0.5 * np.sin(2 * np.pi * t / (piece.swell_s * 0.8))
    return piece.noise * noise * breath


def render(piece: Piece) -> np.ndarray:
    rng = np.random.default_rng(piece.seed)
    t = np.arange(int(piece.minutes * 60 * RATE)) / RATE
    signal = pad(piece, t, rng) + air(piece, t, rng)
    envelope = np.minimum(1.0, np.minimum(t / 8.0, (t[-1] - t) / 12.0))  # 8 s in, 12 s out
    signal *= envelope
    return (0.5 * signal / np.max(np.abs(signal))).astype(np.float32)  # about -6 dBFS


def main() -> None:
    for piece in PIECES:
        target = HERE / piece.file
        with sf.SoundFile(target, "w", samplerate=RATE, channels=1, format="OGG",
                          subtype="VORBIS") as out:
            out.title = piece.title
            out.artist = ARTIST
            audio = render(piece)
            for start in range(0, audio.size, BLOCK):  # libsndfile's Vorbis encoder
                out.write(audio[start:start + BLOCK])  # wants modest blocks
        print(f"{target.name}: {target.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
