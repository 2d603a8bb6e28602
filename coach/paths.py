"""Where Coach keeps its files.

Config and user routines live in the platform's config folder, history in its
data folder, what start-up can skip next time in its cache folder
(``platformdirs``, which honours the XDG variables). Setting
``COACH_HOME`` puts everything under that one folder, for tests and portable
use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "coach"


@dataclass(frozen=True)
class Paths:
    """Every place Coach reads or writes."""

    config_dir: Path
    data_dir: Path
    #: What start-up worked out last time (coach.startup_cache); None: no cache.
    cache_dir: Path | None = None

    @property
    def config_file(self) -> Path:
        """The user's settings."""
        return self.config_dir / "config.yaml"

    @property
    def routines_dir(self) -> Path:
        """The user's own routine files."""
        return self.config_dir / "routines"

    @property
    def history_file(self) -> Path:
        """The SQLite history of sessions and breaks."""
        return self.data_dir / "history.sqlite3"

    @property
    def state_file(self) -> Path:
        """Live state of a running app, read by ``coach status``."""
        return self.data_dir / "state.json"

    @property
    def lock_file(self) -> Path:
        """Held by a running app (see ``coach.instance``)."""
        return self.data_dir / "app.lock"

    @property
    def library_cache(self) -> Path | None:
        """The routine library as last read and checked (coach.startup_cache)."""
        return self.cache_dir / "library.pickle" if self.cache_dir is not None else None

    @property
    def config_cache(self) -> Path | None:
        """The settings as last read (coach.startup_cache)."""
        return self.cache_dir / "config.pickle" if self.cache_dir is not None else None

    def as_rows(self) -> list[tuple[str, Path]]:
        """Name and path of each, in the order ``coach paths`` prints them."""
        rows = [
            ("config", self.config_file),
            ("routines", self.routines_dir),
            ("history", self.history_file),
            ("state", self.state_file),
        ]
        if self.cache_dir is not None:
            rows.append(("cache", self.cache_dir))
        return rows


def resolve_paths(environ: Mapping[str, str] | None = None) -> Paths:
    """Work out the paths from ``COACH_HOME`` or the platform's conventions."""
    env = os.environ if environ is None else environ
    home = env.get("COACH_HOME", "").strip()
    if home:
        root = Path(home).expanduser()
        return Paths(config_dir=root, data_dir=root, cache_dir=root / "cache")
    import platformdirs

    return Paths(
        config_dir=platformdirs.user_config_path(APP_NAME),
        data_dir=platformdirs.user_data_path(APP_NAME),
        cache_dir=platformdirs.user_cache_path(APP_NAME),
    )
