"""Load and validate a world: `nodes.csv` plus one TOML file per carrier in `carriers/`.

Every problem is collected, never just the first, as `path:line: field: message`; a world
with any problem raises `InvalidNetwork` with all of them, so nothing is half-loaded.
The file layout and every field are documented in data/README.md.

    nodes.py       nodes.csv
    services.py    a carrier file: header, services (uses rate_cards.py)
    rate_cards.py  a carrier file's rate cards
    fields.py      problems placed at their line, and the checked field readers
    world.py       a whole directory
"""

from carriers.registry.world import DEFAULT_WORLD, World, load_world

__all__ = ["DEFAULT_WORLD", "World", "load_world"]
