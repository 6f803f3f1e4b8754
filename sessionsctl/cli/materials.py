"""`material` commands: files and links of a session, kept inside the database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..core.domain.errors import InvalidInput
from ..core.domain.serialize import material_json
from ..core.domain.words import counted
from . import render
from .context import cli
from .options import JsonOption

material_app = typer.Typer(help="Files and links of a session (kept inside the database).",
                           no_args_is_help=True)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", field="file") from None


@material_app.command("add")
def add(
    ctx: typer.Context,
    session_id: Annotated[int, typer.Argument(help="The session's id.")],
    source: Annotated[str, typer.Argument(help="A file to keep, or an http or https URL.")],
    description: Annotated[str | None, typer.Option("--description", help="What it is.")]
    = None,
    scope: Annotated[str, typer.Option(
        "--scope", help="For an occurrence of a series: this one, it and the following "
                        "scheduled ones, or all the scheduled ones (each once).")] = "this",
    json_output: JsonOption = False,
) -> None:
    """Attach a file (kept inside the database, so every terminal sees it; its type read
    from its content; at most the config's `[materials] max_size_mb`, 25 MB by default) or
    a link to a session, or with `--scope` to the scheduled occurrences of its series (one
    copy each; those that have it already are skipped, so adding again adds nothing).

    Examples:

    - `sessionsctl material add 42 worksheet.pdf --description "Quadratics, sheet 3"`
    - `sessionsctl material add 42 https://example.org/video`
    - `sessionsctl material add 42 syllabus.pdf --scope all`
    """
    state = cli(ctx, json_output)
    materials = state.centre.materials
    if source.startswith(("http://", "https://")):
        made = materials.add_link_to(session_id, source, description, scope)
    else:
        path = Path(source)
        made = materials.add_file_to(session_id, path.name, _read(path), description, scope)
    if state.json:
        render.emit_json(material_json(made[0]) if scope == "this"
                         else [material_json(m) for m in made])
    elif scope == "this":
        render.out.print(f"Added material #{made[0].id} {made[0].name} to session {session_id}")
    else:
        render.out.print(f"Added {Path(source).name or source} to "
                         f"{counted(len(made), 'session')}"
                         + ("" if made else " (every one has it already)"))


@material_app.command("list")
def list_(ctx: typer.Context, session_id: Annotated[int, typer.Argument(help="The session.")],
          json_output: JsonOption = False) -> None:
    """A session's materials.

    Example:

    - `sessionsctl material list 42`
    """
    state = cli(ctx, json_output)
    found = state.centre.materials.listed(session_id)
    render.listing(state.json, found, material_json,
                   ("ID", "Name", "Type", "Size", "By", "Description"),
                   lambda m: (m.id, m.name, m.media_type or m.type.value,
                              f"{m.size:,}" if m.size is not None else "", m.uploaded_by or "",
                              m.description or ""),
                   title=f"Materials of session {session_id}", empty="No materials.")


@material_app.command("get")
def get(
    ctx: typer.Context, material_id: Annotated[int, typer.Argument(help="The material's id.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the file here (default: standard output).",
        dir_okay=False)] = None,
) -> None:
    """Save a material's file (a link's URL is printed). Its stored name is never used as a
    path: say where with -o.

    Example:

    - `sessionsctl material get 7 -o sheet3.pdf`
    """
    state = cli(ctx)
    material, content = state.centre.materials.get(material_id)
    if content is None:
        render.out.print(material.location)
        return
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}", field="--output") from None
    render.err.print(f"Wrote {output} ({len(content):,} bytes)")


@material_app.command("replace")
def replace(
    ctx: typer.Context, material_id: Annotated[int, typer.Argument(help="The material's id.")],
    file: Annotated[Path, typer.Argument(help="The new file.")],
    json_output: JsonOption = False,
) -> None:
    """Put a new file in place of a material's (same id, same session).

    Example:

    - `sessionsctl material replace 7 worksheet-v2.pdf`
    """
    state = cli(ctx, json_output)
    made = state.centre.materials.replace(material_id, file.name, _read(file))
    if state.json:
        render.emit_json(material_json(made))
    else:
        render.out.print(f"Replaced material #{made.id} with {made.name}")


@material_app.command("rm")
def rm(ctx: typer.Context, material_id: Annotated[int, typer.Argument(help="The material's id.")],
       json_output: JsonOption = False) -> None:
    """Remove a material (the change is audited).

    Example:

    - `sessionsctl material rm 7`
    """
    state = cli(ctx, json_output)
    gone = state.centre.materials.remove(material_id)
    if state.json:
        render.emit_json(material_json(gone))
    else:
        render.out.print(f"Removed material #{gone.id} {gone.name}")
