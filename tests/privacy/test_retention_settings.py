"""An administrator changes the retention periods with `flask fair retention` (SQLite and PostgreSQL):
the instance's, an organiser's own for the rules it may override; out-of-bounds values change nothing;
every change is audited and the jobs read the new value."""
from __future__ import annotations

from sqlalchemy import select


def test_periods_are_changed_checked_and_audited(app, session, factory):
    from fair.accounts.models import Organisation
    from fair.audit import AuditEntry
    from fair.instance import settings_row

    organiser = factory.organisation("organiser", "Métropole")
    company = factory.organisation("company", "Acme")
    runner = app.test_cli_runner()

    shown = runner.invoke(args=["fair", "retention"])
    assert shown.exit_code == 0 and "application_after_edition       92 days" in shown.output

    assert runner.invoke(args=["fair", "retention", "mail_bodies", "60"]).exit_code == 0
    session.expire_all()
    assert settings_row(session).retention == {"mail_bodies": 60}

    refused = runner.invoke(args=["fair", "retention", "mail_bodies", "9999"])
    assert refused.exit_code != 0 and "between 1 and 365" in refused.output
    refused = runner.invoke(args=["fair", "retention", "inactive_account", "400", "--organisation", str(organiser.id)])
    assert refused.exit_code != 0 and "instance only" in refused.output
    refused = runner.invoke(args=["fair", "retention", "application_after_edition", "30",
                                  "--organisation", str(company.id)])
    assert refused.exit_code != 0

    own = runner.invoke(args=["fair", "retention", "application_after_edition", "30",
                              "--organisation", str(organiser.id)])
    assert own.exit_code == 0 and "application_after_edition       30 days" in own.output
    session.expire_all()
    assert session.get(Organisation, organiser.id).retention == {"application_after_edition": 30}
    assert settings_row(session).retention == {"mail_bodies": 60}
    assert runner.invoke(args=["fair", "retention", "mail_bodies", "default"]).exit_code == 0
    session.expire_all()
    assert settings_row(session).retention == {}
    changes = session.execute(select(AuditEntry.details).where(AuditEntry.action == "retention.update")
                              .order_by(AuditEntry.id)).scalars().all()
    assert changes == [{"mail_bodies": 60}, {"application_after_edition": 30}, {"mail_bodies": None}]
