"""Networks of structures: a union of associations or a group of employers whose members are other
organisations, each with a named referent; what the network sees of its members' people, under the
person's consent to the network (fair.accounts.consent, purpose "network")."""
