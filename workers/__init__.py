"""Background jobs run by RQ workers. Jobs take ids, reload state and do nothing if it no longer calls for it."""
