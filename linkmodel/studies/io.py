"""Saving and reading sweep results: NetCDF (``.nc``) or Zarr (``.zarr``), safely.

:func:`save` writes a Dataset (a :func:`linkmodel.studies.sweep.run` result,
eager or lazy, or one read back by :func:`open_results`) and
:func:`open_results` reads it back, values, coordinates and attrs identical::

    from linkmodel.studies import sweep
    from linkmodel.studies.io import open_results, save

    save(sweep.run("samsung-pm1763", {"power_cap": [15, 25, 40]}), "designs.zarr")
    ds = open_results("designs.zarr")

(Import the functions, or the module under another name: ``io`` alone
would hide the standard library's ``io`` in the importing module.)

What a save promises:

* *Atomic.* The data are written into a hidden sibling (``.NAME.tmp-XXXX``,
  same directory, so the rename below stays on one file system) and only a
  complete copy is renamed into place (``os.replace`` for a file; for a Zarr
  directory the old store is renamed aside, the new one in, then the old one
  removed). If anything fails part-way (an error, a full disk, Ctrl-C), the
  temporary copy is removed and the destination is left exactly as it was.
  (A process killed between the two renames of a directory store leaves the
  old store intact as ``.NAME.old-XXXX`` beside it, nothing half-written.)
* *Complete or refused.* The last thing written, after every value, is the
  global attribute ``linkmodel_complete = 1`` (:data:`COMPLETE`);
  :func:`open_results` refuses a file or store without it (an interrupted
  write by an older version or another tool, whose unwritten chunks would
  read as NaN and ``binding`` 0) and drops it from the Dataset it returns.
* *Never over what it did not write.* An existing destination is replaced
  only with ``overwrite=True``, and never when it is not what a save writes:
  a ``.zarr`` path that is not a Zarr store (a directory without ``.zgroup``,
  ``.zmetadata`` or ``zarr.json``, or a file), a ``.nc`` path that is a
  directory or a file that is not NetCDF (no HDF5 or NetCDF-3 signature), or
  a symbolic link.
* *Round trips.* Encodings carried by a Dataset that was read from a store
  (chunks, dtype, compressors, ``_FillValue``) are dropped before writing, so
  a loaded Dataset writes like a fresh one, to another path or (with
  ``overwrite=True``) to the one it was read from; a Dataset lazily read from
  the destination itself is read into memory first (its data would otherwise
  point at the replaced store; other lazy views of that store become invalid).

NetCDF is written as NetCDF4 through h5netcdf (chunk by chunk for a lazy
sweep; the ``sweep`` extra installs it); without it, xarray's default engine
is used, which may hold the whole file in memory (scipy's NetCDF3, limited to
4 GiB per variable): prefer Zarr for big sweeps. Zarr is written in format 2
(its string coordinates, catalogue ids and workload names, have no Zarr 3
specification yet), consolidated; it needs ``zarr`` (the ``sweep`` extra).
"""

from __future__ import annotations

import os
import secrets
import shutil
import warnings
from pathlib import Path
from typing import Literal

__all__ = ["COMPLETE", "SUFFIXES", "PathExistsError", "open_results", "save"]

#: Global attribute written last by :func:`save`; :func:`open_results` requires it (value 1).
COMPLETE = "linkmodel_complete"
#: Path suffixes :func:`save` and :func:`open_results` accept, and their formats.
SUFFIXES = {".nc": "NetCDF", ".zarr": "Zarr"}
_ZARR_MARKS = (".zgroup", ".zmetadata", "zarr.json")  # a Zarr 2 group, its consolidated metadata, Zarr 3
_NC_MAGIC = (b"\x89HDF\r\n\x1a\n", b"CDF\x01", b"CDF\x02", b"CDF\x05")  # NetCDF4 (HDF5), NetCDF-3 variants


class PathExistsError(FileExistsError, ValueError):
    """The destination of :func:`save` exists and ``overwrite`` is False (both a FileExistsError and a ValueError)."""


def _kind(path) -> tuple[Path, str]:
    """The path as a Path and its suffix (``.nc`` or ``.zarr``); anything else is a ValueError."""
    try:
        p = Path(os.fspath(path))
    except TypeError:
        raise ValueError(f"path: {path!r} is not a path (str or path-like ending in .nc or .zarr)") from None
    if p.suffix not in SUFFIXES:
        raise ValueError(f"path: {str(p)!r} must end in .nc (NetCDF) or .zarr (Zarr)")
    return p, p.suffix


def _is_netcdf(p: Path) -> bool:
    try:
        with open(p, "rb") as f:
            head = f.read(8)
    except OSError:
        return False
    return any(head.startswith(m) for m in _NC_MAGIC)


def _is_zarr(p: Path) -> bool:
    return p.is_dir() and any((p / m).is_file() for m in _ZARR_MARKS)


def _check_kind(p: Path, suffix: str) -> None:
    """An existing ``p`` must be what a save writes there: a NetCDF file or a Zarr store, not a link."""
    if p.is_symlink():
        raise ValueError(f"path: {str(p)!r} is a symbolic link; give the path it points to")
    if suffix == ".zarr" and not _is_zarr(p):
        what = "a directory without .zgroup, .zmetadata or zarr.json" if p.is_dir() else "a file"
        raise ValueError(f"path: {str(p)!r} exists and is not a Zarr store ({what}); it is left alone")
    if suffix == ".nc" and not (p.is_file() and _is_netcdf(p)):
        what = "a directory" if p.is_dir() else "not a NetCDF file"
        raise ValueError(f"path: {str(p)!r} exists and is {what}; it is left alone")


def _check_destination(p: Path, suffix: str, overwrite: bool) -> bool:
    """Whether ``p`` exists (and may be replaced); a one-line error if it may not."""
    if not p.parent.is_dir():
        raise ValueError(f"path: {str(p)!r}: directory {str(p.parent)!r} does not exist")
    if not (p.exists() or p.is_symlink()):
        return False
    _check_kind(p, suffix)
    if not overwrite:
        raise PathExistsError(f"path: {str(p)!r} exists; pass overwrite=True to replace it")
    return True


def _sibling(p: Path, tag: str) -> Path:
    """A hidden, unused name beside ``p``: ``.NAME.TAG-XXXXXXXX``."""
    while True:
        q = p.with_name(f".{p.name}.{tag}-{secrets.token_hex(4)}")
        if not (q.exists() or q.is_symlink()):
            return q


def _sources(ds) -> set[Path]:
    """The files or stores ``ds`` was read from (its own and its variables' ``source`` encodings), resolved."""
    found = [ds.encoding.get("source")] + [v.encoding.get("source") for v in ds.variables.values()]
    return {Path(s).resolve() for s in found if isinstance(s, (str, os.PathLike))}


def _prepared(ds, dest: Path, exists: bool):
    """What is written: ``ds`` without encodings or the completeness mark (``ds`` read into memory first
    if it is lazily read from the destination that is about to be replaced)."""
    if exists and dest.resolve() in _sources(ds):
        ds.load()  # in place (lazy or lazily indexed): the caller's Dataset keeps valid data after the swap
    out = ds.drop_encoding()
    out.attrs = {k: v for k, v in ds.attrs.items() if k != COMPLETE}
    return out


def _write_nc(ds, tmp: Path) -> None:
    import xarray as xr

    engine: Literal["h5netcdf"] | None
    try:
        import h5netcdf  # noqa: F401

        engine = "h5netcdf"
    except ImportError:  # pragma: no cover - in the sweep extra
        engine = None
    ds.to_netcdf(tmp, engine=engine)
    xr.Dataset(attrs={COMPLETE: 1}).to_netcdf(tmp, mode="a", engine=engine)  # last: every value is written


def _write_zarr(ds, tmp: Path) -> None:
    import zarr

    ds.to_zarr(tmp, mode="w-", zarr_format=2, consolidated=True)
    group = zarr.open_group(str(tmp), mode="r+")
    group.attrs[COMPLETE] = 1  # last: every chunk is written
    zarr.consolidate_metadata(str(tmp))


def _remove(q: Path) -> None:
    if q.is_dir() and not q.is_symlink():
        shutil.rmtree(q, ignore_errors=True)
    elif q.exists() or q.is_symlink():
        q.unlink(missing_ok=True)


def _swap(tmp: Path, dest: Path, exists: bool) -> None:
    """Move the complete ``tmp`` to ``dest`` (a file: one atomic replace; a store: old aside, new in, old out)."""
    if tmp.is_file() or not exists:
        os.replace(tmp, dest)
        return
    old = _sibling(dest, "old")
    os.rename(dest, old)
    try:
        os.rename(tmp, dest)
    except BaseException:
        os.rename(old, dest)
        raise
    try:
        shutil.rmtree(old)
    except OSError as e:
        warnings.warn(f"path: {str(dest)!r} saved; the old store {str(old)!r} could not be removed: {e}", stacklevel=3)


def save(ds, path, *, overwrite: bool = False) -> None:
    """Write a sweep to NetCDF (``.nc``) or Zarr (``.zarr``), values and attrs; lazy sweeps chunk by chunk.

    Atomic (written aside, then renamed into place; on any error the
    destination is left as it was and nothing is left behind), refuses to
    replace an existing path unless ``overwrite=True``, and never replaces
    what it does not write (see the module docstring).

    Parameters
    ----------
    ds : xarray.Dataset
        Eager or lazy (Dask-backed); may have been read by :func:`open_results`,
        also from ``path`` itself (it is then read into memory first).
    path : str or path-like
        Ends in ``.nc`` or ``.zarr``; its directory must exist.
    overwrite : bool
        Replace an existing NetCDF file or Zarr store at ``path``.
    """
    import xarray as xr

    dest, suffix = _kind(path)
    if not isinstance(ds, xr.Dataset):
        raise ValueError(f"ds: an xarray.Dataset, not {type(ds).__name__}")
    exists = _check_destination(dest, suffix, overwrite)
    out = _prepared(ds, dest, exists)
    tmp = _sibling(dest, "tmp")
    try:
        (_write_nc if suffix == ".nc" else _write_zarr)(out, tmp)
        _swap(tmp, dest, exists)
    except BaseException:
        _remove(tmp)
        raise


def _open(p: Path, suffix: str, chunks):
    import xarray as xr

    try:
        if suffix == ".nc":
            return xr.open_dataset(p, chunks=chunks)
        return xr.open_zarr(p, consolidated=True, chunks=chunks)
    except (OSError, ValueError, KeyError, TypeError) as e:
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise ValueError(f"path: {str(p)!r} cannot be read as {SUFFIXES[suffix]}: {first}") from None


def _incomplete(p: Path, why: str) -> ValueError:
    return ValueError(
        f"path: {str(p)!r} is not a complete save ({why}: written part-way, or by another tool; "
        "read it with xarray if you trust it)"
    )


def open_results(path, chunks=None):
    """Read a sweep written by :func:`save`: into memory, or lazily with ``chunks``.

    Parameters
    ----------
    path : str or path-like
        A ``.nc`` file or ``.zarr`` store written by :func:`save` (it must
        carry the :data:`COMPLETE` mark that a save writes last).
    chunks : None, dict or "auto"
        None: read every value into memory. Otherwise a lazy, Dask-backed
        Dataset, chunked as ``xarray.open_dataset`` reads ``chunks``
        (``{}``: the file's own chunks).

    Returns
    -------
    xarray.Dataset
        As it was saved (values, coordinates with units, attrs).
    """
    p, suffix = _kind(path)
    if not (p.exists() or p.is_symlink()):
        raise ValueError(f"path: {str(p)!r}: no such file or directory")
    if suffix == ".zarr" and not _is_zarr(p):
        raise ValueError(f"path: {str(p)!r} is not a Zarr store (no .zgroup, .zmetadata or zarr.json)")
    if suffix == ".nc" and not p.is_file():
        raise ValueError(f"path: {str(p)!r} is a directory, not a NetCDF file")
    if suffix == ".zarr" and not (p / ".zmetadata").is_file():
        raise _incomplete(p, "no consolidated metadata")
    ds = _open(p, suffix, chunks)
    mark = ds.attrs.pop(COMPLETE, None)
    if mark is None or str(mark) != "1":
        ds.close()
        raise _incomplete(p, f"no {COMPLETE} = 1 mark")
    if chunks is None:
        ds.load()
        ds.close()
    elif suffix == ".zarr":  # NetCDF variables carry their source; Zarr's do not: save() looks for it
        for v in ds.variables.values():
            v.encoding.setdefault("source", ds.encoding.get("source", str(p)))
    return ds
