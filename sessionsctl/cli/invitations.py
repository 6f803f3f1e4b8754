"""`invite` commands: invite people to a session by mail, and answer an invitation."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from ..core.domain.serialize import iso
from ..core.domain.words import counted
from ..core.invitations.model import DEFAULT_EXPIRY, Invitation, InviteRole, InviteStatus
from ..core.mail.notices import format_duration, parse_duration
from . import render
from .context import cli

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ExpiresOption = Annotated[str, typer.Option(
    "--expires", help="How long the invitation works (5m to 30d, e.g. 48h).")]

invite_app = typer.Typer(help="Invitations to a session by mail, with single-use tokens.",
                         no_args_is_help=True)


def invitation_json(i: Invitation, tz: ZoneInfo) -> dict[str, Any]:
    return {"id": i.id, "session_id": i.session_id, "email": i.email, "role": i.role.value,
            "status": i.status.value, "expires": iso(i.expires_at, tz), "sends": i.sends,
            "created": iso(i.created_at, tz), "invited_by": i.created_by,
            "answered": iso(i.responded_at, tz)}


def _one(state: Any, i: Invitation, said: str) -> None:
    if state.json:
        render.emit_json(invitation_json(i, state.tz))
    else:
        render.out.print(said, highlight=False)


@invite_app.command("send")
def invite_send(
    ctx: typer.Context,
    session_id: Annotated[int, typer.Argument(help="The session.")],
    emails: Annotated[list[str], typer.Argument(help="Whom to invite (emails).")],
    role: Annotated[InviteRole, typer.Option("--role", help="What they join as.")]
    = InviteRole.LEARNER,
    expires: ExpiresOption = format_duration(DEFAULT_EXPIRY),
    json_output: JsonOption = False,
) -> None:
    """Mail each person an invitation to the session (the link of the configured
    `invite_url`, and the token for `invite accept`).

    Examples:

    - `sessionsctl invite send 42 kim@example.org lee@example.org --role learner --expires 48h`
    - `sessionsctl invite send 42 visitor@example.org --role observer`
    """
    state = cli(ctx, json_output)
    made = state.centre.invitations.send(
        session_id, emails, role, expires=parse_duration(expires, field="expires"),
        base_url=state.settings.invite_url)
    if state.json:
        render.emit_json([invitation_json(i, state.tz) for i in made])
    else:
        render.out.print(f"Invited {counted(len(made), 'person', 'people')} to session "
                         f"{session_id} as {role.value} (mailed by the next `reminders send`)",
                         highlight=False)


@invite_app.command("accept")
def invite_accept(
    ctx: typer.Context, token: Annotated[str, typer.Argument(help="The token mailed to you.")],
    name: Annotated[str | None, typer.Option(
        "--name", help="Your name, if the centre does not know you yet.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Accept an invitation: you join the session in the role it names.

    Example:

    - `sessionsctl invite accept 7.Yq3b...Xk --name "Kim Park"`
    """
    state = cli(ctx, json_output)
    answered = state.centre.invitations.accept(token, name=name)
    i = answered.invitation
    _one(state, i, f"Accepted: {i.email} joins session {i.session_id} as {i.role.value}"
         + (" (added to the centre as a student)" if answered.created else ""))


@invite_app.command("decline")
def invite_decline(
    ctx: typer.Context, token: Annotated[str, typer.Argument(help="The token mailed to you.")],
    json_output: JsonOption = False,
) -> None:
    """Decline an invitation (its token then no longer works).

    Example:

    - `sessionsctl invite decline 7.Yq3b...Xk`
    """
    state = cli(ctx, json_output)
    i = state.centre.invitations.decline(token).invitation
    _one(state, i, f"Declined the invitation to session {i.session_id}")


@invite_app.command("list")
def invite_list(
    ctx: typer.Context,
    session_id: Annotated[int | None, typer.Option("--session", help="One session's.")] = None,
    status: Annotated[InviteStatus | None, typer.Option("--status", help="Of this status.")]
    = None,
    json_output: JsonOption = False,
) -> None:
    """List invitations (accepted ones are the session's guests, with their role).

    Examples:

    - `sessionsctl invite list --session 42`
    - `sessionsctl invite list --status pending --json`
    """
    state = cli(ctx, json_output)
    tz = state.tz
    render.listing(state.json, state.centre.invitations.find(session_id, status),
                   lambda i: invitation_json(i, tz),
                   ("#", "Session", "Email", "Role", "Status", "Expires", "Sends"),
                   lambda i: (i.id, i.session_id, i.email, i.role.value, i.status.value,
                              render.when(i.expires_at, tz), i.sends),
                   empty="No invitations.")


@invite_app.command("resend")
def invite_resend(
    ctx: typer.Context, invitation_id: Annotated[int, typer.Argument(help="The invitation.")],
    expires: ExpiresOption = format_duration(DEFAULT_EXPIRY),
    json_output: JsonOption = False,
) -> None:
    """Mail the invitation again with a new token (the old one stops working).

    Example:

    - `sessionsctl invite resend 7 --expires 24h`
    """
    state = cli(ctx, json_output)
    i = state.centre.invitations.resend(invitation_id,
                                        expires=parse_duration(expires, field="expires"),
                                        base_url=state.settings.invite_url)
    _one(state, i, f"Invitation {i.id} sent again to {i.email}, with a new token")


@invite_app.command("revoke")
def invite_revoke(
    ctx: typer.Context, invitation_id: Annotated[int, typer.Argument(help="The invitation.")],
    json_output: JsonOption = False,
) -> None:
    """Withdraw a pending invitation: its token stops working.

    Example:

    - `sessionsctl invite revoke 7`
    """
    state = cli(ctx, json_output)
    i = state.centre.invitations.revoke(invitation_id)
    _one(state, i, f"Invitation {i.id} to {i.email} revoked")
