"""pyproject.toml lists the packages by hand (the folders beside kdoffload/ install inside it, which
`packages.find` cannot map): every package of the tree must be listed, and no bare name imported."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
GENERIC = ("model", "distill", "mobile_export", "scheduler", "evaluation")


def _tree_packages() -> set[str]:
    found = set()
    for dotted, folder in CONFIG["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            if "__pycache__" not in rel:
                found.add(".".join((dotted, *rel)))
    return found


def test_every_package_of_the_tree_is_installed():
    missing = _tree_packages() - set(CONFIG["packages"])
    assert not missing, f"pyproject.toml [tool.setuptools] packages lacks {sorted(missing)}"


def test_every_mapped_folder_is_installed_inside_kdoffload():
    assert {CONFIG["package-dir"][f"kdoffload.{name}"] for name in GENERIC} == set(GENERIC)


def test_no_module_imports_a_folder_by_its_bare_name():
    # `import model` from a checkout would load a second copy of every module beside kdoffload.model.
    bare = re.compile(rf"^\s*(from|import) ({'|'.join(GENERIC)})(\.|\s|$)", re.M)
    offenders = [str(p.relative_to(ROOT)) for top in ("kdoffload", *GENERIC, "bench", "tests", "tools")
                 for p in (ROOT / top).rglob("*.py") if bare.search(p.read_text())]
    assert not offenders, f"bare imports (write kdoffload.<name>): {offenders}"
