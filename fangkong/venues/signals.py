"""Signals the venues area sends for higher areas to act on (venues imports none of them)."""

from django.dispatch import Signal

# Sent by `checkin_days.checkin_day_remove` inside the transaction that removed a whole day of
# check-ins from the database (retention, the archive). Carries `day` (a date) and `rows`
# (how many check-ins went). The cases area clears its itinerary entries' link to them
# (fangkong/cases/receivers.py); the entries keep venue and times.
checkins_day_removed = Signal()

# Sent by `services.checkin_archive.checkin_day_archive` once a day's file is published and
# the day removed from the database. Carries `day` (a date) and `path` (the day's file). The
# cases area builds the disk engine's index of the day then, in the job, so that no web
# worker has to (fangkong/cases/receivers.py).
checkins_day_archived = Signal()
