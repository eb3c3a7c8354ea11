"""Mail, the messaging layer's first channel: the outbox (a row per message, written in the
transaction that causes it, sent after commit by a worker, retried, swept), its channels, the
rendering of templates/mail/, the MIME structure of calendar invitations and the dev mail viewer.
It imports no domain: callers pass addresses, templates and plain context."""
