"""Video rooms: WebRTC 1:1 interviews for job-dating slots and queue calls, with a phone fallback."""
