"""Feedback cues: each new feedback sounds once; the bundled WAVs are short and distinct; no audio is fine."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import pytest

from station.services.views import Feedback
from ui.feedback import CUES, SOUND_DIR, FeedbackCues, SoundPlayer


def test_a_new_feedback_plays_once_and_an_idle_one_is_no_news() -> None:
    played: list[str] = []
    cues = FeedbackCues(played.append)
    error = Feedback(level="error", message="Not on this order", sound="error")
    assert cues.notice(error) is True
    assert cues.notice(error) is False  # the same feedback redrawn
    assert cues.notice(Feedback(level="error", message="Not on this order", sound="error")) is True
    assert cues.notice(Feedback(level="idle", message="")) is False
    assert played == ["error", "error"]


@pytest.mark.parametrize("cue", CUES)
def test_bundled_cues_are_short_16_bit_mono(cue: str) -> None:
    path = SOUND_DIR / f"{cue}.wav"
    assert path.stat().st_size < 30_000
    with wave.open(str(path)) as sound:
        assert (sound.getnchannels(), sound.getsampwidth(), sound.getframerate()) == (1, 2, 22050)
        assert 0.1 < sound.getnframes() / 22050 < 1.0


def test_the_cues_differ() -> None:
    assert len({(SOUND_DIR / f"{cue}.wav").read_bytes() for cue in CUES}) == len(CUES)


def test_playing_without_audio_does_not_fail_or_warn(qapp: Any, tmp_path: Path) -> None:
    player = SoundPlayer()
    for cue in (*CUES, "", "no-such-cue"):
        player.play(cue)
    SoundPlayer(sound_dir=tmp_path).play("error")  # the WAV files missing: a beep
