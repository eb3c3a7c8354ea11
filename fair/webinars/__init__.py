"""Webinars: scheduling, registration with a waitlist, providers (Jitsi, BigBlueButton, external) and live Q&A."""
