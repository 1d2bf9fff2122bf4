"""The README documents what a user can type: every page path, every URL parameter and every command
(Datasette's docs tests, in miniature). A new page, parameter or command fails here until it is written up."""
from __future__ import annotations

import re

import pytest

from core.cli import build_parser
from core.filters import ALL_PARAMS
from core.paths import ROOT
from ui.nav import PAGES
from ui.params import PARAMS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)


@pytest.mark.parametrize("path", [p.path for p in PAGES if p.path])
def test_every_page_path_is_in_the_readme(path):
    assert f"`/{path}`" in README or f"/{path}" in README, f"README does not mention the page /{path}"


@pytest.mark.parametrize("name", [p.name for p in PARAMS] + list(ALL_PARAMS))
def test_every_url_parameter_is_in_the_readme(name):
    assert re.search(rf"[?&`]{re.escape(name)}=", README), f"README does not show the URL parameter {name}="


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"python -m core {command}\b|\| {command}\b", README), \
        f"README does not show `python -m core {command}`"
