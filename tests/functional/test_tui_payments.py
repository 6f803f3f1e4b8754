"""A group session's details screen says each student's payment once their places are paid
differently: on the cost line, or a payment line of its own when the session has no cost."""

from __future__ import annotations

from decimal import Decimal

from textual.widgets import Static

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.model import PaymentStatus
from sessionsctl.tui.messages import OpenSession
from sessionsctl.tui.screens.details import SessionScreen

from .conftest import SIZE, STUDENTS, make_test_app, scenario, settle


def _fields(app) -> dict[str, str]:
    assert isinstance(app.screen, SessionScreen)
    rows = {}
    for row in app.screen.query(".detail-row"):
        key, value = row.query(Static)
        rows[str(key.render())] = str(value.render())
    return rows


@scenario
async def test_each_students_payment_on_the_session_screen(tui_centre: Centre) -> None:
    tui_centre.sessions.edit(1, {"cost": Decimal("12.00")}, past=True)
    tui_centre.billing.record_payment([1, 5], PaymentStatus.PAID, student=STUDENTS[0])
    tui_centre.billing.record_payment([1], PaymentStatus.WAIVED, student=STUDENTS[1])
    app = make_test_app(tui_centre)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(OpenSession(2))  # one student, paid as the session is
        await settle(pilot)
        assert "Payment" not in _fields(app)
        app.post_message(OpenSession(1))
        await settle(pilot)
        cost = _fields(app)["Cost"]
        assert cost.startswith("12.00 (Amelia Ahmed paid, Bilal Brown waived, "
                               "Chloe Clarke unpaid, ")
        assert cost.count("unpaid") == 8 and "Payment" not in _fields(app)
        app.post_message(OpenSession(5))  # no cost on it: a payment line of its own
        await settle(pilot)
        fields = _fields(app)
        assert "Cost" not in fields
        assert fields["Payment"].startswith("Amelia Ahmed paid, Bilal Brown unpaid")
