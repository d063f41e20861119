"""``linkmodel ufs``: the UFS link budget (phones), beside ``linkmodel link`` for PCIe."""

from __future__ import annotations

from linkmodel.cli._common import UsageError, flag_message, int_arg, print_json
from linkmodel.studies import ufslink
from linkmodel.units import format_bytes, parse_quantity

__all__ = ["add_ufs_parser"]

_FLAGS = {
    "gear": "--gear",
    "lanes": "--lanes",
    "size": "--size",
    "series": "--series",
    "transfer": "--transfer",
    "data_upiu": "--data-upiu",
    "frame_payload": "--frame-payload",
}


def add_ufs_parser(sub) -> None:
    """Register ``linkmodel ufs``."""
    p = sub.add_parser(
        "ufs",
        help="per-direction budget of a UFS link (M-PHY gear, lanes, UniPro frames, UPIUs)",
        description="Per-direction budget of a UFS link carrying back-to-back reads or writes: M-PHY gear and "
        "lanes, 8b/10b, UniPro frames and UTP UPIUs, byte by byte.",
    )
    p.add_argument("--gear", required=True, help="M-PHY high-speed gear: 1-5 (UFS 3.x: 4, UFS 4.x: 5)")
    p.add_argument("--lanes", default="2", help="lanes per direction: 1-4 (default 2, as UFS 3.x/4.x)")
    p.add_argument("--size", default="512KiB", help="bytes per transfer, e.g. 4KiB, 512KiB (default 512KiB)")
    p.add_argument("--series", default="B", help="M-PHY rate series: A or B (default B, what devices run)")
    p.add_argument(
        "--transfer",
        default="read",
        help="read (data device to host, in DATA IN UPIUs) or write (host to device, paced by RTTs); default read",
    )
    p.add_argument(
        "--data-upiu",
        default="32KiB",
        help="data bytes per DATA IN/OUT UPIU, 4 B to 65535 B (device-specific; default 32KiB, an assumption)",
    )
    p.add_argument(
        "--frame-payload",
        default=None,
        help="UniPro frame payload in bytes, 16-1144 (default: 288 up to HS-G4, 1144 on HS-G5)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    p.set_defaults(func=_cmd_ufs)


def _cmd_ufs(args) -> int:
    kw = dict(
        gear=int_arg(args.gear, "--gear"),
        lanes=int_arg(args.lanes, "--lanes"),
        size=parse_quantity(args.size, "bytes", "--size"),
        series=args.series,
        transfer=args.transfer,
        data_upiu=parse_quantity(args.data_upiu, "bytes", "--data-upiu"),
        frame_payload=None
        if args.frame_payload is None
        else parse_quantity(args.frame_payload, "bytes", "--frame-payload"),
    )
    try:
        rep = ufslink.report(**kw)
    except ValueError as exc:
        raise UsageError(flag_message(exc, _FLAGS)) from None
    doc = rep.to_dict()
    if args.json:
        print_json(doc)
        return 0
    coding = doc["coding"] + ("" if doc["coding_confirmed"] else " (ASSUMED: unpublished for this gear)")
    print(
        f"UFS HS-G{doc['gear']}{doc['series']} x{doc['lanes']}: {doc['line_rate_per_lane'] / 1e6:g} Mb/s per lane, "
        f"{coding}, UniPro frames of {doc['frame_payload']:g} B"
    )
    print(
        f"{format_bytes(doc['size'])} {doc['transfer']}s, {format_bytes(doc['data_upiu'])} per data UPIU; "
        "bytes on the wire per transfer:"
    )
    print(f"{'':28}{'device to host':>18}{'host to device':>18}")
    rows = (
        ("data", "payload"),
        ("UPIU headers, padding", "upiu_headers_and_padding"),
        ("UniPro frame overhead", "frame_overhead"),
        ("wire bytes", "wire_bytes"),
        ("frames", "frames"),
    )
    d2h, h2d = doc["per_direction"]["device_to_host"], doc["per_direction"]["host_to_device"]
    for label, key in rows:
        print(f"{label:28}{d2h[key]:>18,.0f}{h2d[key]:>18,.0f}")
    print(f"{'byte rate after 8b/10b':28}{d2h['byte_rate'] / 1e9:>14.4f} GB/s{h2d['byte_rate'] / 1e9:>14.4f} GB/s")
    print(
        f"effective bandwidth  {doc['effective_bandwidth'] / 1e9:.5f} GB/s ({100 * doc['efficiency']:.2f} % of the "
        f"byte rate), {doc['transfer_rate']:.4g} transfers/s; binding: {doc['binding']}"
    )
    return 0
