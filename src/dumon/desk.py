"""The desk: the folder dumon works in (config, keywords, database, digests, logs).

Chosen by ``--home``, else ``$DUMON_HOME``, else the current folder, like llm's
``LLM_USER_PATH``; so cron, tests and people each point at their own desk explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dumon.errors import DeskError

ENV_HOME = "DUMON_HOME"
BUNDLED_ROOT = Path(__file__).resolve().parents[2]
"""The repository root, which carries the bundled sources.yaml and keywords/ (editable install)."""


@dataclass(frozen=True)
class Desk:
    root: Path

    @property
    def sources_path(self) -> Path:
        return self.root / "sources.yaml"

    @property
    def keywords_dir(self) -> Path:
        return self.root / "keywords"

    @property
    def settings_path(self) -> Path:
        return self.root / "settings.yaml"

    @property
    def db_path(self) -> Path:
        return self.root / "dumon.db"

    @property
    def digests_dir(self) -> Path:
        return self.root / "digests"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def lock_path(self) -> Path:
        return self.root / "scan.lock"

    @property
    def is_desk(self) -> bool:
        """Whether the folder holds any of a desk's files (configuration or database)."""
        return self.sources_path.is_file() or self.keywords_dir.is_dir() or self.db_path.is_file()

    @property
    def cache_dir(self) -> Path:
        """What dumon can rebuild at any time (the compiled keyword profile)."""
        return self.root / ".dumon-cache"


def resolve_home(home: Path | str | None = None) -> Desk:
    """The desk named by the option, the environment or the current folder.

    A folder that holds none of a desk's files is refused, not adopted: run from the wrong
    folder, a command would otherwise answer from an empty database (and create one there).
    Only `init_desk` makes a desk.
    """
    chosen = home or os.environ.get(ENV_HOME) or Path.cwd()
    root = Path(chosen).expanduser().resolve()
    how = (
        "chỉ đúng thư mục làm việc bằng --home THƯ_MỤC hoặc biến môi trường DUMON_HOME, "
        f"hoặc tạo thư mục làm việc mới bằng `dumon init {root}`"
    )
    if not root.is_dir():
        raise DeskError(f"Không tìm thấy thư mục làm việc {root}. Cách sửa: {how}.")
    desk = Desk(root)
    if not desk.is_desk:
        raise DeskError(
            f"{root} không phải thư mục làm việc của dumon (không có sources.yaml, keywords/ "
            f"hay dumon.db). Cách sửa: {how}."
        )
    return desk


def init_desk(target: Path, *, force: bool = False) -> Desk:
    """Lay a new desk with the bundled sources.yaml and keywords/."""
    target = target.expanduser().resolve()
    bundled_sources = BUNDLED_ROOT / "sources.yaml"
    bundled_keywords = BUNDLED_ROOT / "keywords"
    if not bundled_sources.is_file() or not bundled_keywords.is_dir():
        raise DeskError(
            "Không tìm thấy bộ cấu hình mặc định đi kèm dumon. Cách sửa: cài dumon từ thư mục mã "
            "nguồn bằng `pip install -e .`."
        )
    desk = Desk(target)
    if desk.sources_path.exists() and not force:
        raise DeskError(
            f"{desk.sources_path} đã có. Cách sửa: chọn thư mục khác, hoặc thêm --force để ghi đè "
            "sources.yaml và keywords/ bằng bản mặc định."
        )
    import shutil  # only here: resolving a desk is part of every command's start

    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(bundled_sources, desk.sources_path)
    if desk.keywords_dir.exists():
        shutil.rmtree(desk.keywords_dir)
    shutil.copytree(bundled_keywords, desk.keywords_dir)
    for folder in (desk.digests_dir, desk.logs_dir):
        folder.mkdir(exist_ok=True)
    return desk
