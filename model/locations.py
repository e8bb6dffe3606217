"""Where the package finds what is not Python: the native core library and the source tree.

Nothing here walks up from `__file__` or looks in the working directory, so an installed
`kdoffload` behaves the same wherever it is run from:

- the native core is `$KDO_CORE_LIB` when set, else the copy inside the installed `model`
  package (`model/lib/libkdocore.so`, which `make native` links to its build);
- the source tree (the C++ sources of kdo_bench, the Android app's Gradle files) is
  `$KDO_SOURCE_DIR` when set, else the checkout this distribution was installed from in
  editable mode, as pip records it (PEP 610 `direct_url.json`). A wheel carries no sources:
  the commands that build native code or read the app's build say so in one line.
"""

from __future__ import annotations

import json
import os
from importlib import metadata, resources
from pathlib import Path
from urllib.parse import unquote, urlparse

from kdoffload.model.errors import InputError

CORE_LIBRARY = "libkdocore.so"
DISTRIBUTION = "kdoffload"


def core_library() -> Path:
    """The native core library to load (it may not exist: see `model.native.available`)."""
    if os.environ.get("KDO_CORE_LIB"):
        return Path(os.environ["KDO_CORE_LIB"])
    return Path(str(resources.files("kdoffload.model") / "lib" / CORE_LIBRARY))


def _installed_from() -> Path | None:
    """The local folder pip installed this distribution from in editable mode, if it did."""
    # Every record of the name: a checkout's own `kdoffload.egg-info` can come first on sys.path.
    for dist in metadata.distributions(name=DISTRIBUTION):
        try:
            record = json.loads(dist.read_text("direct_url.json") or "{}")
        except json.JSONDecodeError:
            continue
        url = urlparse(record.get("url", ""))
        checkout = Path(unquote(url.path))
        # Only the checkout the running `model` was imported from: another environment's record
        # (a borrowed site-packages) says nothing about this one.
        if ((record.get("dir_info") or {}).get("editable") and url.scheme == "file"
                and (checkout / "model").resolve() == Path(str(resources.files("kdoffload.model"))).resolve()):
            return checkout
    return None


def source_dir(needs: str) -> Path:
    """The kdoffload source tree; `needs` (a path inside it) names what is looked for."""
    if os.environ.get("KDO_SOURCE_DIR"):
        root, origin = Path(os.environ["KDO_SOURCE_DIR"]), "KDO_SOURCE_DIR"
    else:
        root, origin = _installed_from(), "the editable install's checkout"
    if root is None:
        raise InputError(f"{needs}: needs the kdoffload source tree, which an installed wheel does "
                         "not carry (set KDO_SOURCE_DIR to a checkout)")
    if not (root / needs).exists():
        raise InputError(f"{root / needs}: not found ({origin} is not a kdoffload checkout)")
    return root
