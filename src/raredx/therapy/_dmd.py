"""DMD reading frame: which exon deletions are out of frame, and which single-exon skip restores
the frame (exon lengths of NM_004006.3 in ``data/therapies/dmd_exons.json``)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def exon_lengths() -> tuple[int, ...]:
    d = json.loads(resources.files("raredx.data").joinpath("therapies/dmd_exons.json")
                   .read_text("utf-8"))
    return tuple(d["exon_lengths"])


def deleted_length(first: int, last: int) -> int:
    ex = exon_lengths()
    return sum(ex[i - 1] for i in range(first, last + 1))


def skip_restores(first: int, last: int, skip: int) -> tuple[bool, str]:
    """Does skipping exon ``skip`` restore the reading frame of a deletion of exons first..last?

    The deletion must be out of frame, ``skip`` must flank it, and the deleted exons plus the
    skipped exon must total a multiple of three nucleotides. Deletions touching exon 1 or 79 (which
    hold the start codon or the stop/UTR) are not assessed.
    """
    n = len(exon_lengths())
    if not (1 <= first <= last <= n):
        return False, f"exons {first}-{last} are outside DMD exons 1-{n}"
    if first == 1 or last == n:
        return False, "deletions including exon 1 or the last exon are not assessed"
    if skip in (1, n):
        return False, "the first and last exons cannot be skipped"
    d = deleted_length(first, last)
    span = f"exon {first}" if first == last else f"exons {first}-{last}"
    if first <= skip <= last:
        return False, f"exon {skip} is already deleted"
    if d % 3 == 0:
        return False, f"deletion of {span} ({d} nt) is in frame; no skipping needed"
    if skip not in (first - 1, last + 1):
        return False, f"exon {skip} does not flank the deletion of {span}"
    total = d + exon_lengths()[skip - 1]
    if total % 3 == 0:
        return True, (f"deletion of {span} ({d} nt) is out of frame; skipping exon {skip} "
                      f"({exon_lengths()[skip - 1]} nt) restores the frame ({total} nt removed)")
    return False, (f"skipping exon {skip} leaves the deletion of {span} out of frame "
                   f"({total} nt removed)")


def amenable_skips(first: int, last: int) -> list[int]:
    return [k for k in (first - 1, last + 1) if skip_restores(first, last, k)[0]]
