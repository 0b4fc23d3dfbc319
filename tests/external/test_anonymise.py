"""Erasing a person's data on request (UU 27/2022 PDP) erases her uploaded certificate PDFs, keeps the records."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts import services
from lms.external.models import ExternalTraining, ExternalTrainingFile
from tests.external.factories import make_training


def test_anonymising_her_account_erases_her_certificate_pdfs(db, world):
    mine = make_training(world.learner)
    theirs = make_training(world.outsider)
    world.learner.is_active_account = False
    services.anonymise_user(world.learner, actor=world.admin, reason="Surat permohonan 12/2026")
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ExternalTrainingFile)) == 1
    assert db.session.get(ExternalTrainingFile, theirs.id) is not None
    kept = db.session.get(ExternalTraining, mine.id)
    assert kept is not None and kept.jp == mine.jp
    assert (kept.certificate_filename, kept.certificate_size) == (None, None)
