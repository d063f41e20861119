"""Contract tests over the drive's stage registry: every stage, present and future, must keep them."""

import dataclasses

import numpy as np
import pytest
import reference_drive
import xarray as xr

from linkmodel import parts
from linkmodel.ssd import drive, stages

BASE = drive.DriveParams.from_mapping(reference_drive.BASE)
BUNDLED = [p.id for p in parts.bundled_parts()]


@pytest.mark.parametrize("part_id", BUNDLED)
def test_ceilings_positive_and_binding_is_the_minimum(part_id):
    params, _ = parts.params_from_part(parts.load(part_id))
    ds = drive.predict(params)
    for name in stages.STAGES:
        c = ds[f"ceiling_{name}"].values
        assert np.all(c > 0), (part_id, name)  # a stage never allows zero or negative I/Os
    ceilings = np.stack([ds[f"ceiling_{n}"].values for n in stages.STAGES])
    assert np.array_equal(ds.iops.values, ceilings.min(axis=0))
    for i, wl in enumerate(ds.workload.values):
        assert ds.binding.values[i] == list(stages.STAGES)[int(np.argmin(ceilings[:, i]))], wl


def test_every_stage_names_parameters_it_rests_on():
    for st in stages.STAGES.values():
        for keys in (st.rests_on(True), st.rests_on(False)):
            assert keys, st.name
            assert set(keys) <= set(drive.PARAMETERS), st.name


def test_dims_kept_for_dataarray_inputs():
    dies = xr.DataArray([16.0, 32.0, 64.0], dims="dies", coords={"dies": [16, 32, 64]})
    cap = xr.DataArray([15.0, 25.0], dims="cap")
    p = dataclasses.replace(BASE, dies=dies, power_cap=cap)
    for wl in drive.WORKLOADS.values():
        ds = drive.evaluate(p, wl)
        for name in stages.STAGES:
            assert set(ds[f"ceiling_{name}"].dims) == {"dies", "cap"}, (wl.name, name)


# each resource and the stage(s) whose ceiling it feeds: more of it never lowers any ceiling
RESOURCES = {
    "channels": 2.0,
    "channel_rate": 2.0,
    "dies": 2.0,
    "power_cap": 1.5,
    "controller_iops": 2.0,
    "controller_bandwidth": 2.0,
}


@pytest.mark.parametrize("resource", sorted(RESOURCES))
@pytest.mark.parametrize("workload", sorted(drive.WORKLOADS))
def test_monotone_in_resources(resource, workload):
    # a realistic die standby (0.1 mW, the catalogue's order) so that more dies also cost static power
    base = dataclasses.replace(
        BASE, controller_iops=2e6, controller_bandwidth=20e9, read_power=0.1, program_power=0.1, standby_power=1e-4
    )
    more = dataclasses.replace(base, **{resource: getattr(base, resource) * RESOURCES[resource]})
    a = drive.evaluate(base, drive.WORKLOADS[workload])
    b = drive.evaluate(more, drive.WORKLOADS[workload])
    for name in stages.STAGES:
        if resource == "dies" and name == "power":
            # more dies draw more standby: the power ceiling (cap - static) / energy falls by exactly that
            static_a, static_b = 5.0 + 1e-4 * 32, 5.0 + 1e-4 * 64
            expected = float(a.ceiling_power) * (25.0 - static_b) / (25.0 - static_a)
            assert float(b.ceiling_power) == pytest.approx(expected, rel=1e-12)
            continue
        assert float(b[f"ceiling_{name}"]) >= float(a[f"ceiling_{name}"]) * (1 - 1e-12), name


def test_a_registered_stage_binds_and_is_reported():
    # a thermal-throttling stage capping the drive at 1,000 I/Os per second shows up by name
    @stages.register("thermal", ("power_cap",), ("power_cap",), "IOPS the thermal limit allows")
    def thermal(a, d, prior, options):
        return stages.StageResult(np.full(np.shape(d.size), 1000.0))

    try:
        ds = drive.evaluate(BASE, drive.WORKLOADS["rand_read"])
        assert str(ds.binding.values) == "thermal"
        assert float(ds.iops) == 1000.0
        assert float(ds.ceiling_thermal) == 1000.0
        assert ds.ceiling_thermal.attrs["units"] == "1/s"
    finally:
        del stages.STAGES["thermal"]
    assert "thermal" not in drive.evaluate(BASE, drive.WORKLOADS["rand_read"])


def test_register_refuses_a_duplicate_name():
    with pytest.raises(ValueError, match="stage: 'dies' is registered already"):
        stages.register("dies", (), (), "")(lambda a, d, prior, options: None)
