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
    def cache_dir(self) -> Path:
        """What dumon can rebuild at any time (the compiled keyword profile)."""
        return self.root / ".dumon-cache"


def resolve_home(home: Path | str | None = None) -> Desk:
    """The desk named by the option, the environment or the current folder."""
    chosen = home or os.environ.get(ENV_HOME) or Path.cwd()
    root = Path(chosen).expanduser().resolve()
    if not root.is_dir():
        raise DeskError(
            f"Không tìm thấy thư mục làm việc {root}. Cách sửa: tạo nó bằng "
            f"`dumon init {root}` hoặc chỉ đúng thư mục bằng --home / DUMON_HOME."
        )
    return Desk(root)


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
