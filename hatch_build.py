"""Compile the gettext catalogues (.po -> .mo) whenever the package is built or installed.

The .mo files are build products (ignored by git); the hook writes them next to
the .po files and puts them into the wheel explicitly.
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        locale = Path(self.root) / "src" / "imvokg" / "locale"
        for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=po.parts[-3])
            mo = po.with_suffix(".mo")
            with mo.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            if self.target_name == "wheel" and version != "editable":
                build_data["force_include"][str(mo)] = str(mo.relative_to(Path(self.root) / "src"))
