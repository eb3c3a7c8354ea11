"""Calendars, the messaging layer's second part: the pure .ics builder (ics.py), people's calendar
entries and their invitations (agenda.py), reminders before each entry (reminders.py, jobs.py), secret
subscription feeds (feeds.py) and the /calendar/ pages. It imports accounts and fairs (whose people and
editions it writes to), and no domain."""
