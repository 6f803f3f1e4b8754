"""The TUI's modules import one way: the app opens screens, screens use widgets, and none of
them imports back up (a screen posts a message to the app instead of importing it). Read
statically with grimp (import-linter's graph), imports inside functions included."""

from __future__ import annotations

import grimp


def test_no_tui_module_is_in_an_import_cycle() -> None:
    graph = grimp.build_graph("sessionsctl", cache_dir=None)
    modules = sorted(m for m in graph.modules if m.startswith("sessionsctl.tui"))
    cycles = [graph.find_shortest_chain(importer=imported, imported=importer)
              for importer in modules for imported in modules
              if importer < imported
              and graph.direct_import_exists(importer=importer, imported=imported)
              and graph.chain_exists(importer=imported, imported=importer)]
    assert cycles == []


def test_no_screen_or_widget_imports_the_app() -> None:
    graph = grimp.build_graph("sessionsctl", cache_dir=None)
    importers = graph.find_modules_that_directly_import("sessionsctl.tui.app")
    assert {m for m in importers if m.startswith("sessionsctl.tui")} == set()
