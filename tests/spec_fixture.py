"""A minimal valid part spec file the parts tests mutate (its id is test-part: save it as test-part.toml)."""

BASE = """schema = "linkmodel-spec/1"
id = "test-part"
vendor = "Test"
model = "T1"
source = "made up for a test"

[facts]
gen = 5
lanes = 4
capacity = "15.36 TB"
power_cap = "25 W"
nand = "kioxia-bics8-tlc"
controller = "kioxia-gen5-16ch"

[[published]]
metric = "seq_read"
value = "14.8 GB/s"
kind = "up_to"
source = "made up"
"""

#: a part file's own NAND die (catalogue layout): 4 planes of TLC, tR 45 us, tPROG 1.0 ms
INLINE_NAND = """[[nand]]
id = "acme-tlc"
[nand.facts]
vendor = "Acme"
generation = "A1"
cell = "TLC"
die_capacity = "1 Tibit"
planes = 4
interface_rate = "2400 MT/s"
t_read = "45 us"
t_prog = "1.0 ms"
[nand.assumed]
independent_plane_reads = { value = 4, basis = "made up for a test" }
"""
