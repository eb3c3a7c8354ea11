"""Text messages: a second channel of the outbox (fair/mail/outbox.py), for people who read SMS
rather than mail. `queue_sms` writes the row in the caller's transaction, as `queue_mail` does."""
