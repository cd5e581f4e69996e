from django.dispatch import Signal

# Sent inside the transaction that changes a contact's degree (a secondary contact becomes a
# close contact when the person they were exposed through becomes a case). Carries `person`,
# `degree` (the new one: 1 or 2), `via` (the Person they are now a contact of) and `by`.
# The quarantine area re-plans that person's active placement under the new category.
contact_degree_changed = Signal()
