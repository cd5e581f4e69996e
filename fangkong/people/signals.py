"""Signals about a person that one area sends and another acts on.

They live with the person, below every area, so that the sender (a higher area) and the
receiver (a lower one) both import this module and neither imports the other.
"""

from django.dispatch import Signal

# Sent by the cases area inside the transaction that changes a contact's degree (a secondary
# contact becomes a close contact when the person they were exposed through becomes a case).
# Carries `person`, `degree` (the new one: 1 or 2), `via` (the Person they are now a contact
# of) and `by`. The quarantine area re-plans that person's active placement under the new
# category (fangkong/quarantine/receivers.py).
contact_degree_changed = Signal()
