from django.dispatch import Signal

# Sent after the transaction that raised an alert commits; `alert` is the Alert.
# The command area turns it into notifications (inbox, e-mail).
alert_raised = Signal()
