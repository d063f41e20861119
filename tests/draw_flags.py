"""Bad ``--draws`` / ``--seed`` values every command that draws must refuse in one line (exit 2): (argv, flag)."""

BAD_DRAW_FLAGS = [
    (["--draws", "0"], "--draws"),
    (["--draws=-5"], "--draws"),
    (["--draws", "1.5"], "--draws"),
    (["--draws", "many"], "--draws"),
    (["--draws", "1e300"], "--draws"),
    (["--seed=-1"], "--seed"),
    (["--seed", "0.5"], "--seed"),
]
