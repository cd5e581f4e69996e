"""A check-in dated before the epidemic is a typing slip: refused by row, nothing written."""

from __future__ import annotations

import pytest

from fangkong.core.models import DataImport
from fangkong.core.tabular import TableRejected
from fangkong.venues.models import CheckIn, CheckInSource
from fangkong.venues.services.ingest import checkin_ingest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("moment", ["0063-07-28T10:00:00+08:00", "2019-11-30T10:00:00+08:00"])
def test_a_check_in_before_the_earliest_event_date_is_refused_naming_the_row(
    bar, zhang_san, moment
):
    record = {
        "record_id": "R1",
        "venue_code": bar.code,
        "id_number": zhang_san.id_number,
        "check_in": moment,
    }

    with pytest.raises(TableRejected) as rejected:
        checkin_ingest(records=[record], source=CheckInSource.HEALTH_CODE, by=None)

    [error] = rejected.value.errors
    assert error.row == 1 and "2019-12-01" in error.message
    assert not CheckIn.objects.exists() and not DataImport.objects.exists()
