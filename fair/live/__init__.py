"""The live fair: booth presence, walk-in queues, chat and moderation, announcements, dashboard."""
