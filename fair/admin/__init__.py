"""The instance's admin console (/admin/): organisations, people, the instance's pages, jobs, the audit log."""
