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


def _stand_in_player(tmp_path: Path, name: str) -> Path:
    """A program named like the system's WAV player that notes what it was asked to play.

    There is no audio device on a test machine: this stands in for `aplay` and friends only.
    """
    record = tmp_path / "played.txt"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    program = bin_dir / name
    program.write_text(f'#!/bin/sh\necho "$@" >> {record}\n', encoding="utf-8")
    program.chmod(0o755)
    return record


def test_without_qtmultimedia_each_cue_plays_its_own_wav_through_the_system_player(
        qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from ui.feedback import PlatformPlayer

    record = _stand_in_player(tmp_path, "aplay")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    player = SoundPlayer(player=PlatformPlayer("linux"), multimedia=False)  # as without QtMultimedia
    for cue in CUES:
        player.play(cue)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (not record.exists() or len(record.read_text().splitlines()) < 3):
        time.sleep(0.02)
    played = record.read_text().splitlines()
    assert sorted(played) == sorted(f"-q {SOUND_DIR / f'{cue}.wav'}" for cue in CUES)


def test_the_player_prefers_pipewire_then_pulse_then_alsa(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.feedback import PlatformPlayer

    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    wav = SOUND_DIR / "error.wav"
    assert PlatformPlayer("linux").command(wav) is None
    _stand_in_player(tmp_path, "aplay")
    assert PlatformPlayer("linux").command(wav) == ["aplay", "-q", str(wav)]
    _stand_in_player(tmp_path, "paplay")
    assert PlatformPlayer("linux").command(wav) == ["paplay", str(wav)]
    _stand_in_player(tmp_path, "pw-play")
    assert PlatformPlayer("linux").command(wav) == ["pw-play", str(wav)]
