"""The text tables of ``linkmodel ai kv`` and ``linkmodel ai smallblock`` (columns kept with any width of number)."""

from __future__ import annotations

import math

from linkmodel.cli._common import cell

__all__ = ["print_kv_parts", "print_smallblock", "print_smallblock_draws"]


def print_kv_parts(rows: list[dict]) -> None:
    """The per-part table of ``linkmodel ai kv``: drives each constraint needs, the binding one, fleet power [W]."""

    def stage(r):
        return f" ({r['drive_stage']})" if r["drive_stage"] and r["binding"] != "power" else ""

    print(
        f"{'part':26} {'TB':>6} {'DWPD':>5} {'drives':>6}  {'binding':30} {'rd BW':>5} {'rd IO':>5} {'wr BW':>5} "
        f"{'wr IO':>5} {'r+w':>4} {'cap':>4} {'endur':>5} {'fleet W':>8}"
    )
    for r in rows:
        counts = " ".join(
            cell(r[k], w, 0)
            for k, w in (
                ("n_read_bandwidth", 5),
                ("n_read_iops", 5),
                ("n_write_bandwidth", 5),
                ("n_write_iops", 5),
                ("n_read_write", 4),
                ("n_capacity", 4),
                ("n_endurance", 5),
            )
        )
        print(
            f"{r['part']:26} {cell(r['capacity'] / 1e12, 6, 2)} {cell(r['dwpd'], 5, 2)} {cell(r['drives'], 6, 0)}  "
            f"{r['binding'] + stage(r):30} {counts} {cell(r['fleet_power'], 8, 0)}"
        )
    print("(columns: drives each constraint needs; DWPD as published for the SKU, else modelled: --json says which)")


def print_smallblock(part_id: str, rows: list[dict], c: dict, target: float, size: float) -> None:
    """``linkmodel ai smallblock``: IOPS ceilings per size [1/s], then what closes `target` at `size` [B]."""
    print(f"{part_id}: random reads at small sizes (PCIe Gen{c['link']['gen']:g} x{c['link']['lanes']:g})")
    print(
        f"{'size':>6} {'IOPS':>10}  {'binding':10} {'link (NVMe)':>12} {'link (GPU batching)':>20} "
        f"{'channels':>9} {'dies':>9} {'power':>9}"
    )
    for r in rows:
        print(
            f"{r['size']:6.0f} {r['iops'] / 1e6:9.2f}M  {r['binding']:10} {r['ceiling_link'] / 1e6:11.1f}M "
            f"{r['link_batched'] / 1e6:19.1f}M {r['ceiling_channels'] / 1e6:8.1f}M {r['ceiling_dies'] / 1e6:8.1f}M "
            f"{r['ceiling_power'] / 1e6:8.1f}M"
        )
    print("(the model's ceilings; the controller's command rate is unpublished, so not among them)")
    print()
    if c["gap"] <= 1:
        print(
            f"target {target / 1e6:g} M IOPS at {size:g} B: already met by the modelled design "
            f"({c['iops'] / 1e6:.2f} M, {c['binding']} binds), controller permitting"
        )
    else:
        print(
            f"target {target / 1e6:g} M IOPS at {size:g} B: {c['gap']:.1f}x the design's {c['iops'] / 1e6:.2f} M "
            f"({c['binding']} binds)"
        )
    links = ", ".join(f"Gen{o['gen']} x{o['lanes']}" + ("*" if o["needs_batching"] else "") for o in c["links"])
    print(
        f"  link: Gen{c['link']['gen']:g} x{c['link']['lanes']:g} carries {c['link']['ceiling'] / 1e6:.1f} M; "
        f"enough: {links or 'none of those searched'} (* only with GPU-side batching by 8, an assumption)"
    )
    m = c["mps_ceilings"]
    print(
        f"  MPS (now {c['mps']:g} B), link with batching: "
        + ", ".join(f"{k} B {v / 1e6:.1f} M" for k, v in m.items())
        + " (no help once MPS holds a whole I/O)"
    )
    print(f"  channels: {c['channels_needed']:.0f} needed at its channel rate (it has {c['channels']:.0f})")
    print(f"  dies: {c['dies_needed']:.0f} needed at its tR (it has {c['dies']:.0f})")
    print(f"  power: {c['power_needed']:.0f} W needed (cap {c['power_cap']:g} W)")
    ctrl = "not published (not modelled)" if math.isinf(c["controller_iops"]) else f"{c['controller_iops'] / 1e6:g} M"
    print(f"  controller: {target / 1e6:g} M commands/s needed (its limit: {ctrl})")
    print(
        f"  in flight: {c['outstanding_ios']:.0f} reads (Little's law at the QD1 latency "
        f"{c['qd1_latency'] * 1e6:.1f} us)"
    )


def print_smallblock_draws(d: dict) -> None:
    """``linkmodel ai smallblock --draws``: IOPS per size and the target's gap, median [80 % interval]."""
    print()
    print(
        f"Over {d['draws']} draws of the part's unpublished inputs (seed {d['seed']}): median [80 % interval, "
        "10th-90th percentile]"
    )
    for r in d["iops"]:
        lo, hi = r["interval"]
        print(f"{r['size']:6.0f} {r['median'] / 1e6:9.2f}M  [{lo / 1e6:.2f}M-{hi / 1e6:.2f}M]")
    g = d["gap"]
    print(f"  gap to the target: {g['median']:.3g}x [{g['interval'][0]:.3g}-{g['interval'][1]:.3g}x]")
