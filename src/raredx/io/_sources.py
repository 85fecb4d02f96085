"""Finding phenopacket files to read: single files, directories (recursive) and .zip archives.

A batch lists its cases up front (cheap: names only) and reads each one when it is ranked, so
one unreadable case never stops the others.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from raredx.errors import InputError


@dataclass(frozen=True)
class CaseSource:
    """One phenopacket to read: ``where`` names it for messages (``dir/a.json``,
    ``cases.zip:cohort/a.json``); ``read()`` returns its raw bytes or raises InputError."""

    where: str
    read: Callable[[], bytes] = field(repr=False, compare=False)


@dataclass
class CaseList:
    sources: list[CaseSource]
    ignored: list[str] = field(default_factory=list)  # files passed over (not .json)
    hidden: list[str] = field(default_factory=list)  # hidden *.json passed over (.x, __MACOSX)
    batch: bool = False  # several paths, or a directory/archive (even with a single case)


def _file_reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            err = InputError(f"cannot read file: {exc.strerror or exc}", str(path))
            err.reason = "cannot read file"  # type: ignore[attr-defined]
            raise err from None

    return read


def _zip_reader(archive: zipfile.ZipFile, member: str, where: str) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            return archive.read(member)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
            err = InputError(f"cannot read zip member: {exc}", where)
            err.reason = "cannot read zip member"  # type: ignore[attr-defined]
            raise err from None

    return read


def _hidden(parts: tuple[str, ...]) -> bool:
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def find_cases(paths: list[Path]) -> CaseList:
    """List the phenopackets in ``paths`` (files, directories searched recursively for
    ``*.json``, ``.zip`` archives of them, ``-`` for standard input), in a stable order.

    Raises :class:`InputError` for a path that does not exist, a broken zip archive, or a
    directory/archive without any ``.json`` file (nothing is silently dropped). Among several
    paths, such a path is instead listed as a case that fails when read, so that the batch
    goes on with the others and counts it as failed.
    """
    out = CaseList([])
    for p in paths:
        if len(paths) == 1:
            _add_path(out, p)
            continue
        try:
            _add_path(out, p)
        except InputError as exc:
            out.sources.append(CaseSource(exc.where or str(p), _failing_reader(exc)))
    out.batch = len(out.sources) != 1 or any(
        Path(p).is_dir() or Path(p).suffix.lower() == ".zip" for p in paths
    )
    return out


def _failing_reader(exc: InputError) -> Callable[[], bytes]:
    def read() -> bytes:
        raise exc

    msg = str(exc)
    if exc.where and msg.startswith(f"{exc.where}: "):
        msg = msg[len(exc.where) + 2:]
    exc.reason = msg.split(" (")[0]  # type: ignore[attr-defined]
    return read


def _add_path(out: CaseList, p: Path) -> None:
    """Add the cases of one path to ``out`` (raises InputError, see find_cases)."""
    if str(p) == "-":  # one phenopacket on standard input
        out.sources.append(CaseSource("<stdin>", lambda: sys.stdin.buffer.read()))
        return
    p = Path(p)
    if not p.exists():
        raise InputError("no such file or directory", str(p))
    if p.is_dir():
        found = 0
        for f in sorted(p.rglob("*")):
            rel = f.relative_to(p).parts
            if not f.is_file():
                continue
            if _hidden(rel):
                if f.suffix.lower() == ".json":
                    out.hidden.append(str(f))
                continue
            if f.suffix.lower() == ".json":
                out.sources.append(CaseSource(str(f), _file_reader(f)))
                found += 1
            else:
                out.ignored.append(str(f))
        if not found:
            raise InputError("no phenopacket (*.json) file in this directory", str(p))
    elif p.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(p)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"not a readable zip archive ({exc})", str(p)) from None
        found = 0
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            name = info.filename
            if info.is_dir():
                continue
            if _hidden(PurePosixPath(name).parts):
                if name.lower().endswith(".json"):
                    out.hidden.append(f"{p}:{name}")
                continue
            if name.lower().endswith(".json"):
                where = f"{p}:{name}"
                out.sources.append(CaseSource(where, _zip_reader(archive, name, where)))
                found += 1
            else:
                out.ignored.append(f"{p}:{name}")
        if not found:
            raise InputError("no phenopacket (*.json) file in this zip archive", str(p))
    else:
        out.sources.append(CaseSource(str(p), _file_reader(p)))
