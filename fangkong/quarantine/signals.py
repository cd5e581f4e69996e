from django.dispatch import Signal

# Sent inside the transaction of the write, so a receiver's own writes commit or roll back
# with it. Both carry `placement` and `by`. The tracing area listens to mark a contact
# "under control" when their placement starts, and "released" when it ends with a release.
placement_started = Signal()
placement_ended = Signal()

# Sent inside the transaction that records a positive nucleic-acid result for a person under
# observation; carries `person`, `placement`, `sampled_at` and `by`.
positive_result = Signal()
