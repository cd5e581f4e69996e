"""What the assist area tells the areas above it, which it may not import.

`verification_overdue` is sent inside the transaction that escalates an overdue verification
task (services/escalation.py), once per task; it carries `task`, `at` (when it was escalated),
`deadline` (by when the district must finish it) and `by`. The command area receives it and
issues a supervised task (督办) in the same transaction, so an escalation and its 督办 commit or
roll back together.

`verification_recorded` is sent inside the transaction that records a verification's result
(services/verification.py), with `task`, `at` and `by`: command closes the 督办 it issued for
the task, whose goal is then met."""

from django.dispatch import Signal

verification_overdue = Signal()
verification_recorded = Signal()
