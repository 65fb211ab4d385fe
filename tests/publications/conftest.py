import hashlib

import pytest
from django.core.files.base import ContentFile

from tests.factories import PublicationFactory


@pytest.fixture
def with_pdf():
    """with_pdf(data) -> a publication whose stored file is these bytes, whatever they are
    (the upload check is bypassed on purpose: the pipeline must survive any file)."""

    def make(data: bytes, **fields):
        publication = PublicationFactory(**fields)
        publication.pdf.save(f"{publication.slug}.pdf", ContentFile(data), save=False)
        publication.pdf_size = len(data)
        publication.pdf_sha256 = hashlib.sha256(data).hexdigest()
        publication.save()
        return publication

    return make
