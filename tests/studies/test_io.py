"""linkmodel.studies.io: data safety of save/open_results (issue 15, "Data loss").

Interrupted saves leave the destination as it was and nothing behind; existing paths are replaced only when
asked and never when they are not what a save writes; loaded data (eager or lazy) saves again, to a new path or
to the one it was read from; every round trip is identical to the Dataset that was saved.
"""

import os
import types

import dask
import numpy as np
import pytest
import xarray as xr

from linkmodel.studies import io, sweep

AXES = {"power_cap": [15.0, 40.0], "dies": [64.0, 256.0]}
WLS = ["seq_read", "rand_write"]
SUFFIXES = [".nc", ".zarr"]


@pytest.fixture(scope="module")
def eager():
    return sweep.run("samsung-pm1763", AXES, workloads=WLS)


@pytest.fixture(scope="module")
def other():
    """A different sweep: what a second save would put in place of ``eager``."""
    return sweep.run("samsung-pm1763", {"power_cap": [25.0], "dies": [128.0]}, workloads=["seq_read"])


def lazy():
    return sweep.run("samsung-pm1763", AXES, workloads=WLS, chunks={"dies": 1})


def entries(d):
    """Everything in directory ``d`` (hidden temporaries included)."""
    return sorted(p.name for p in d.iterdir())


def test_fixture_is_not_trivial(eager):
    # a round trip that loses values or decodes binding as 0 ("link") everywhere must be visible
    assert np.all(np.isfinite(eager.throughput)) and np.all(eager.throughput > 0)
    assert len(np.unique(eager.binding)) > 1
    assert eager.binding.dtype == np.int8 and "flag_meanings" in eager.binding.attrs


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_round_trip_eager_and_lazy(eager, tmp_path, suffix):
    io.save(eager, tmp_path / f"e{suffix}")
    xr.testing.assert_identical(io.open_results(tmp_path / f"e{suffix}"), eager)
    io.save(lazy(), str(tmp_path / f"l{suffix}"))  # chunk by chunk; str or Path
    got = io.open_results(tmp_path / f"l{suffix}", chunks={})
    assert got.throughput.chunks is not None  # lazy on request
    xr.testing.assert_identical(got.compute(), eager)
    assert io.COMPLETE not in got.attrs
    assert entries(tmp_path) == [f"e{suffix}", f"l{suffix}"]  # no temporaries left


@pytest.mark.parametrize("chunks", [None, {}], ids=["eager", "lazy"])
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_loaded_data_saves_again(eager, tmp_path, suffix, chunks):
    """The issue's `back = load("a.zarr"); save(back, "a.zarr")`, and to new paths in both formats."""
    a = tmp_path / f"a{suffix}"
    io.save(eager, a)
    back = io.open_results(a, chunks=chunks)
    for new in ("b.nc", "b.zarr"):  # the store's encodings (chunks, compressors, _FillValue) do not get in the way
        io.save(back, tmp_path / new)
        xr.testing.assert_identical(io.open_results(tmp_path / new), eager)
    io.save(back, a, overwrite=True)  # to the path it was read from
    xr.testing.assert_identical(io.open_results(a), eager)
    xr.testing.assert_identical(back.compute(), eager)  # the loaded Dataset still holds its values
    assert entries(tmp_path) == sorted([a.name, "b.nc", "b.zarr"])


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_existing_path_refused_unless_overwrite(eager, other, tmp_path, suffix):
    a = tmp_path / f"a{suffix}"
    io.save(eager, a)
    with pytest.raises(FileExistsError, match=rf"path: '.*a\{suffix}' exists; pass overwrite=True to replace it"):
        io.save(other, a)
    with pytest.raises(ValueError, match="overwrite=True"):  # also a ValueError, like every other input error
        io.save(other, a)
    xr.testing.assert_identical(io.open_results(a), eager)  # untouched
    io.save(other, a, overwrite=True)
    xr.testing.assert_identical(io.open_results(a), other)
    assert entries(tmp_path) == [a.name]


def _foreign(tmp_path, name, kind):
    """Something a save did not write, at ``name``: a directory with a file, or a text file."""
    p = tmp_path / name
    if kind == "dir":
        p.mkdir()
        (p / "notes.txt").write_text("my notes\n")
    else:
        p.write_text("not a dataset\n")
    return p


@pytest.mark.parametrize(
    "name, kind, why",
    [
        ("results.zarr", "dir", "not a Zarr store"),
        ("results.zarr", "file", "not a Zarr store"),
        ("results.nc", "dir", "is a directory"),
        ("results.nc", "file", "not a NetCDF file"),
    ],
)
def test_never_replaces_what_it_did_not_write(eager, tmp_path, name, kind, why):
    p = _foreign(tmp_path, name, kind)
    for overwrite in (False, True):
        with pytest.raises(ValueError, match=f"path: '.*{name}' exists and .*{why}.*left alone"):
            io.save(eager, p, overwrite=overwrite)
    if kind == "dir":
        assert entries(p) == ["notes.txt"] and (p / "notes.txt").read_text() == "my notes\n"
    else:
        assert p.read_text() == "not a dataset\n"
    assert entries(tmp_path) == [name]


def test_symlink_refused(eager, tmp_path):
    io.save(eager, tmp_path / "real.zarr")
    (tmp_path / "link.zarr").symlink_to(tmp_path / "real.zarr")
    with pytest.raises(ValueError, match=r"link\.zarr' is a symbolic link"):
        io.save(eager, tmp_path / "link.zarr", overwrite=True)
    assert os.path.islink(tmp_path / "link.zarr")
    xr.testing.assert_identical(io.open_results(tmp_path / "real.zarr"), eager)


def _failing(ds, exc, seen):
    """``ds`` (lazy) whose throughput raises ``exc`` on its second dies chunk, recording the directory then."""

    def block(x, block_info=None):
        if block_info[0]["chunk-location"][-1] == 1:
            seen.append(entries(seen[0]))
            raise exc
        return x

    tp = ds.throughput
    return ds.assign(throughput=(tp.dims, tp.data.map_blocks(block, dtype=tp.dtype), tp.attrs))


@pytest.mark.parametrize("exc", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_interrupted_save_leaves_destination_as_it_was(eager, tmp_path, suffix, exc):
    a = tmp_path / f"a{suffix}"
    io.save(eager, a)
    seen = [tmp_path]
    bad = _failing(
        sweep.run("samsung-pm1763", {"power_cap": [25.0], "dies": [64.0, 128.0]}, chunks={"dies": 1}), exc, seen
    )
    with dask.config.set(scheduler="synchronous"), pytest.raises(type(exc)):
        io.save(bad, a, overwrite=True)
    assert any(n.startswith(f".a{suffix}.tmp-") for n in seen[1])  # it failed part-way through writing aside
    assert entries(tmp_path) == [a.name]  # the temporary is gone
    xr.testing.assert_identical(io.open_results(a), eager)  # the previous save, old values
    # a first save that fails leaves nothing at all
    with dask.config.set(scheduler="synchronous"), pytest.raises(type(exc)):
        io.save(bad, tmp_path / f"new{suffix}")
    assert entries(tmp_path) == [a.name]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_failed_rename_leaves_destination_as_it_was(eager, other, tmp_path, monkeypatch, suffix):
    """The last step fails: the old file or store is still in place (a store is renamed back)."""
    a = tmp_path / f"a{suffix}"
    io.save(eager, a)
    calls = []

    def rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2 or os.path.isfile(src):  # the store's second rename (new in), or the file's replace
            raise OSError("simulated failure")
        os.rename(src, dst)

    monkeypatch.setattr(io, "os", types.SimpleNamespace(**{**vars(os), "rename": rename, "replace": rename}))
    with pytest.raises(OSError, match="simulated failure"):
        io.save(other, a, overwrite=True)
    monkeypatch.undo()
    assert entries(tmp_path) == [a.name]
    xr.testing.assert_identical(io.open_results(a), eager)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_incomplete_or_foreign_files_refused_on_reading(eager, tmp_path, suffix):
    """What the issue saw: a write stopped part-way read back without error, NaN values and binding 0."""
    p = tmp_path / f"partial{suffix}"
    seen = [tmp_path]
    bad = _failing(lazy(), RuntimeError("stop"), seen)
    with dask.config.set(scheduler="synchronous"), pytest.raises(RuntimeError):
        bad.to_zarr(p, zarr_format=2, consolidated=True) if suffix == ".zarr" else bad.to_netcdf(p, engine="h5netcdf")
    assert p.exists()  # xarray leaves the partial write in place
    with pytest.raises(ValueError, match=rf"path: '.*partial\{suffix}' is not a complete save"):
        io.open_results(p)
    # a complete file written by other means lacks the mark a save writes last
    q = tmp_path / f"plain{suffix}"
    eager.to_zarr(q, zarr_format=2, consolidated=True) if suffix == ".zarr" else eager.to_netcdf(q, engine="h5netcdf")
    with pytest.raises(ValueError, match=rf"path: '.*plain\{suffix}' is not a complete save \(no linkmodel_complete"):
        io.open_results(q)


def refused(pattern, fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` raises a one-line ValueError matching ``pattern``."""
    with pytest.raises(ValueError, match=pattern) as e:
        fn(*args, **kwargs)
    assert "\n" not in str(e.value)


def test_errors(eager, tmp_path):
    refused(r"path: 'x.csv' must end in .nc \(NetCDF\) or .zarr \(Zarr\)", io.save, eager, "x.csv")
    refused(r"path: 'x.csv' must end in .nc", io.open_results, "x.csv")
    refused(r"path: 3 is not a path", io.save, eager, 3)
    refused(r"ds: an xarray.Dataset, not DataArray", io.save, eager.throughput, tmp_path / "a.nc")
    refused(r"path: '.*nosuch.zarr': no such file or directory", io.open_results, tmp_path / "nosuch.zarr")
    refused(r"path: '.*a.nc': directory '.*nodir' does not exist", io.save, eager, tmp_path / "nodir" / "a.nc")
    _foreign(tmp_path, "notes.zarr", "dir")
    refused(r"path: '.*notes.zarr' is not a Zarr store", io.open_results, tmp_path / "notes.zarr")
    refused(r"path: '.*notes.zarr' exists and is not a Zarr store", io.save, eager, tmp_path / "notes.zarr")
    _foreign(tmp_path, "text.nc", "file")
    refused(r"path: '.*text.nc' cannot be read as NetCDF: ", io.open_results, tmp_path / "text.nc")
    _foreign(tmp_path, "dir.nc", "dir")
    refused(r"path: '.*dir.nc' is a directory, not a NetCDF file", io.open_results, tmp_path / "dir.nc")
    assert not hasattr(sweep, "save") and not hasattr(sweep, "load")  # D30: one name per meaning
