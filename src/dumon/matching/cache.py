"""The compiled profile saved in the desk, so that a ``dumon match`` batch starts in
milliseconds instead of compiling the keyword files again.

The file is a header line and the profile's lines, one JSON text a line, each parsed only
when first used (most of a start-up would otherwise go to parts of the profile a run never
uses): the rule book, the screen's patterns (bytes of its one-byte code joined by a comma, a
non-word character, so in no pattern), the three automata, then one line per term. The header
holds the key (a checksum of the keyword files, the code that compiles them and the Python
that runs it), a checksum of the rest (which vouches for the lines read later), and the field
names of the records stored as lists, so a record that gained a field is never misread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dumon.matching.index import Automaton, Screen, TermIndex
from dumon.matching.rules import RuleBook
from dumon.terms import Exclusion, Term

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

FORMAT = 5  # the layout of the file; the code itself is hashed into the key
# The modules outside this package that compiling a profile runs (this package is read whole).
_COMPILER_MODULES = ("terms.py", "textnorm.py", "yamlload.py", "yamlcheck.py")


def cache_path(cache_dir: Path, folder: Path) -> Path:
    """Where the compiled profile of ``folder`` is kept: one file per keywords folder."""
    return cache_dir / f"matcher-{zlib.crc32(str(folder.resolve()).encode()):08x}.json"


def cache_key(folder: Path) -> str | None:
    """A checksum of everything the compiled profile depends on: every keywords file, the
    code that reads and compiles them, and the Python that runs it. None when unreadable.
    CRC-32 and Adler-32 together: a change detector, cheaper to start than hashlib."""
    if not folder.is_dir():
        return None  # loading reports it
    chunks = [f"{FORMAT}\0{sys.version}\0".encode()]
    try:
        package = Path(__file__).parent
        code = sorted(package.glob("*.py")) + [package.parent / m for m in _COMPILER_MODULES]
        data = sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.yml"))
        named = [(f.name, f) for f in code] + [(str(f.relative_to(folder)), f) for f in data]
        for name, file in named:
            content = file.read_bytes()
            chunks += [f"{name}\0{len(content)}\0".encode(), content]
    except OSError:
        return None
    crc, adler = 0, 1
    for chunk in chunks:
        crc, adler = zlib.crc32(chunk, crc), zlib.adler32(chunk, adler)
    return f"{crc:08x}{adler:08x}"


def read(path: Path, key: str, folder: Path) -> tuple[TermIndex, RuleBook] | None:
    """The cached profile, or None when missing, stale or unreadable (then it is rebuilt)."""
    try:
        header, _, body = path.read_bytes().partition(b"\n")
        head = json.loads(header)
        if head["key"] != key or head["fields"] != _field_names():
            return None
        if head["check"] != zlib.crc32(body):
            raise ValueError("content does not match its checksum")
        return _from_lines(body.split(b"\n"), folder)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        _note("profile cache %s unreadable (%s): rebuilding it", path, exc)
        return None


def write(path: Path, key: str, index: TermIndex, book: RuleBook, folder: Path) -> None:
    """Save atomically; a desk we cannot write to only loses the speed-up."""
    body = b"\n".join(_lines(index, book, folder))
    header = json.dumps({"key": key, "check": zlib.crc32(body), "fields": _field_names()})
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(header.encode() + b"\n" + body)
        os.replace(temp, path)
    except OSError as exc:
        _note("profile cache %s not written: %s", path, exc)
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return
    for old in path.parent.glob("matcher-" + "[0-9a-f]" * 16 + ".json"):
        with contextlib.suppress(OSError):  # the single-JSON form of versions before lines
            old.unlink()


def _field_names() -> list[list[str]]:
    return [[f.name for f in dataclasses.fields(kind)] for kind in (Term, Exclusion)]


def _lines(index: TermIndex, book: RuleBook, folder: Path) -> list[bytes]:
    """The profile as lines; the files terms come from by position and relative to the
    folder (which may be named another way next time)."""
    terms = [index.terms[n] for n in range(len(index.terms))]
    exclusions = list(book.exclusions.values())
    files = dict.fromkeys([t.path for t in terms] + [x.path for x in exclusions])
    where = {p: i for i, p in enumerate(files)}
    common = {
        "paths": [str(p.relative_to(folder)) for p in files],
        "prefix_ids": sorted(index.prefix_ids),
        "screen_owners": index.screen.owners,
        "severity": book.severity,
        "needs": book.needs,
        "exclusions": [_encode(x, where) for x in exclusions],
    }
    lines = [json.dumps(common, ensure_ascii=False, separators=(",", ":")).encode()]
    lines.append(b",".join(index.screen.patterns))
    lines += [a.as_json().encode() for a in (index.exact, index.folded, index.fuzzy)]
    lines += [json.dumps(_encode(t, where), ensure_ascii=False).encode() for t in terms]
    return lines


def _from_lines(lines: list[bytes], folder: Path) -> tuple[TermIndex, RuleBook]:
    common, screen, exact, folded, fuzzy, *terms = lines
    state = json.loads(common)
    paths = [folder / p for p in state["paths"]]
    index = TermIndex(
        _CachedTerms(terms, _decoder(Term, paths)),
        exact=Automaton(text=exact),
        screen=Screen(screen.split(b",") if screen else [], state["screen_owners"]),
        prefix_ids=frozenset(state["prefix_ids"]),
        folded=Automaton(text=folded),
        fuzzy=Automaton(text=fuzzy),
    )
    exclusions = list(map(_decoder(Exclusion, paths), state["exclusions"]))
    needs = {key: tuple(roles) for key, roles in state["needs"].items()}
    return index, RuleBook(dict(state["severity"]), {x.key: x for x in exclusions}, needs)


class _CachedTerms:
    """The terms of a cached profile by number, each decoded when first asked for: a run
    meets a few hundred of the thousands of forms a profile holds."""

    def __init__(self, rows: list[bytes], decode: Callable[[list[Any]], Term]) -> None:
        self._rows = rows
        self._decode = decode
        self._terms: list[Term | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, number: int) -> Term:
        term = self._terms[number]
        if term is None:
            term = self._terms[number] = self._decode(json.loads(self._rows[number]))
        return term


def _encode(record: Any, paths: dict[Path, int]) -> list[Any]:
    """A Term or an Exclusion as a JSON list in field order (paths by their position)."""
    out: list[Any] = []
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, Path):
            value = paths[value]
        elif isinstance(value, date):
            value = value.isoformat()
        out.append(value)
    return out


def _decoder(kind: type[Any], paths: list[Path]) -> Callable[[list[Any]], Any]:
    """The inverse of :func:`_encode` for one record type (the header's field names say
    the lists were written with these fields)."""
    fields = dataclasses.fields(kind)
    steps: list[tuple[int, Callable[[Any], Any]]] = []
    for i, field in enumerate(fields):
        if field.name == "path":
            steps.append((i, paths.__getitem__))
        elif field.name.startswith("valid_"):
            steps.append((i, lambda v: v if v is None else date.fromisoformat(v)))
        elif str(field.type).startswith("tuple"):
            steps.append((i, tuple))

    def decode(values: list[Any]) -> Any:
        if len(values) != len(fields):
            raise ValueError(f"{kind.__name__}: {len(values)} values for {len(fields)} fields")
        args = list(values)
        for i, convert in steps:
            args[i] = convert(args[i])
        return kind(*args)

    return decode


def _note(message: str, *args: Any) -> None:
    """Log what happened to the cache at INFO; logging is imported only then (rarely)."""
    import logging

    logging.getLogger(__name__).info(message, *args)
