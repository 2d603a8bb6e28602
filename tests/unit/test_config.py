"""Settings: defaults, clear messages for mistakes, and a theme save that keeps comments."""

from __future__ import annotations

from pathlib import Path

from coach.config import TEMPLATE, Config, load_config, save_theme


def test_missing_or_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "config.yaml").config == Config()
    (tmp_path / "config.yaml").write_text("")
    loaded = load_config(tmp_path / "config.yaml")
    assert loaded.config == Config() and not loaded.problems


def test_template_is_valid_and_default(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(TEMPLATE)
    loaded = load_config(path)
    assert not loaded.problems and loaded.config == Config()


def test_values_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("theme: nord\ncues: {bell: false, voice: true, voice_command: [espeak-ng, -s, '140']}\nsides: {first: right}\n")
    config = load_config(path).config
    assert config == Config(theme="nord", bell=False, voice=True, voice_command=("espeak-ng", "-s", "140"), first_side="right")


def test_mistakes_are_located_and_defaults_used(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("cues:\n  bell: yes\n  voise: true\nsides:\n  first: up\ncolour: red\n")
    loaded = load_config(path)
    assert loaded.config == Config()
    assert f"{path}:2:9: cues.bell: expected true or false; its default is used" in loaded.problems
    assert f"{path}:3:3: cues.voise: unknown field 'voise'; did you mean 'voice'?; ignored" in loaded.problems
    assert f"{path}:5:10: sides.first: expected left or right; its default is used" in loaded.problems
    assert any(":6:1: colour:" in p and p.endswith("; ignored") for p in loaded.problems)


def test_one_mistake_keeps_the_other_settings_as_the_message_and_readme_say(tmp_path: Path) -> None:
    # Decided in issue 14: the valid settings are used, the wrong one takes its default.
    path = tmp_path / "config.yaml"
    path.write_text("theme: nord\ncues:\n  bell: maybe\n  voice: true\nsitting:\n  limit: 45m\n")
    loaded = load_config(path)
    assert (loaded.config.theme, loaded.config.bell, loaded.config.voice, loaded.config.sitting.limit) == (
        "nord", True, True, 45 * 60)
    assert loaded.problems == (f"{path}:3:9: cues.bell: expected true or false; its default is used",)
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    assert ("the settings without a mistake are used, and each setting with one takes its default" in readme)


def test_unreadable_yaml_is_one_message(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(b"cues: [\n")
    loaded = load_config(path)
    assert loaded.config == Config() and len(loaded.problems) == 1 and "using default settings" in loaded.problems[0]


def test_save_theme_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("# my settings\ncues:\n  bell: false  # quiet office\n")
    assert save_theme(path, "gruvbox")
    text = path.read_text()
    assert "# my settings" in text and "# quiet office" in text and "theme: gruvbox" in text
    assert save_theme(path, "nord")
    assert path.read_text().count("theme:") == 1 and load_config(path).config.theme == "nord"
    assert load_config(path).config.bell is False


def test_save_theme_creates_the_template(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.yaml"
    assert save_theme(path, "textual-light")
    assert load_config(path).config.theme == "textual-light"


def test_save_theme_leaves_a_broken_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("cues: {bell: maybe}\n")
    saved = save_theme(path, "nord")
    assert not saved
    assert saved.reason == ("the theme is used now but not saved, because config.yaml has a mistake to fix first:"
                            f" {path}:1:14: cues.bell: expected true or false")
    assert path.read_text() == "cues: {bell: maybe}\n"


def test_sitting_settings(tmp_path: Path) -> None:
    from datetime import time

    from coach.sitting import SitSettings, WorkHours

    path = tmp_path / "config.yaml"
    path.write_text('sitting:\n  limit: 25m\n  snooze: 3m\n  max_snoozes: 1\n  break_routine: my-break\n'
                    '  desktop_notifications: false\n'
                    '  work_hours: {days: [mon, wed, friday], start: "08:30", end: "16:00"}\n')
    loaded = load_config(path)
    assert not loaded.problems
    assert loaded.config.sitting == SitSettings(
        limit=1500, snooze=180, max_snoozes=1, break_routine="my-break",
        work_hours=WorkHours(frozenset({0, 2, 4}), time(8, 30), time(16, 0)))
    assert loaded.config.desktop_notifications is False


def test_sitting_mistakes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text('sitting:\n  limit: 1:30\n  snooze: 2h\n  work_hours: {days: [someday], start: "25:00", end: "09:00"}\n')
    problems = load_config(path).problems
    assert any(":2:10: sitting.limit: '1:30' is not a duration" in p for p in problems)
    assert any(":3:11: sitting.snooze: expected 1s to 1h" in p for p in problems)
    assert any("sitting.work_hours.days" in p for p in problems)
    assert any("sitting.work_hours.start" in p for p in problems)
    assert load_config(path).config.sitting.limit == 1800


def test_away_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("sitting:\n  away_after: 10m\n  away_sources: [tmux, logind]\n")
    sitting = load_config(path).config.sitting
    assert sitting.away_after == 600 and sitting.away_sources == ("tmux", "logind")
    path.write_text("sitting:\n  away_after: 0\n")
    sitting = load_config(path).config.sitting
    assert sitting.away_after == 0 and sitting.away_break == 300 and sitting.away_sources is None
    assert load_config(tmp_path / "none.yaml").config.sitting.away_after == 300


def test_away_mistakes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("sitting:\n  away_after: 5s\n  away_sources: [tmux, webcam]\n")
    loaded = load_config(path)
    assert loaded.problems == (
        f"{path}:2:15: sitting.away_after: expected 0 (off) or 10s to 4h; its default is used",
        f"{path}:3:17: sitting.away_sources: expected a list of: tmux, terminals, logind, gnome, screensaver, x11, "
        "macos; its default is used",
    )
    assert loaded.config.sitting.away_after == 300
