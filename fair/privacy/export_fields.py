"""What a person's export contains, said once: which rows are about them, which columns never leave,
and what every file and field means.

The zip's README.txt and fields.json, and the section "What an export contains" of
docs/personal-data.md, are all generated from this module (tests/privacy/test_export_contents.py
checks the docs against it). A table that gains a foreign key to `users.id` is exported by itself
(fair/privacy/export.py walks `Base.metadata`); the completeness test fails until its fields are
described here.

Rules, in the order the builder applies them:

- A row is about the person when one of its foreign keys to `users.id` names them, whatever the
  role (the candidate of a booking, the adviser who booked it, the moderator who hid a message),
  or when it is reachable from such a row (`REACHABLE`: recruiters' notes on the person's
  pipeline entries are the candidate's personal data too).
- Other people are never given by number or address: a foreign key to `users.id` becomes
  `<role>_name`, the name the app showed (the person's own name where it is them).
- `EXCLUDED` columns never leave: secrets (a hash of a secret is still one: it confirms a guess),
  and internal bookkeeping that would mislead.
- `OWNED_BY` columns are another person's words or address unless the row's owner is the person:
  a moderator's export does not carry the text of the message they hid.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Columns never exported, with why. "*" applies to every table.
EXCLUDED: dict[tuple[str, str], object] = {
    ("*", "token_hash"): _l("a hash of a secret link or session: it would confirm a stolen link"),
    ("*", "code_hash"): _l("a hash of a recovery code: it would confirm a stolen code"),
    ("*", "claim_token"): _l("internal to sending mail"),
    ("users", "password_hash"): _l("your password, hashed: never shown, not even to you"),
    ("users", "security_stamp"): _l("a secret that signs your sessions"),
    ("users", "totp_secret"): _l("the secret of your authenticator app: whoever holds it can make your codes"),
    ("users", "totp_last_step"): _l("internal to two-step verification"),
    ("call_rooms", "token"): _l("the secret part of the call's address"),
    ("live_queue_entries", "room_path"): _l("the secret address of the call"),
    ("calendar_entries", "join_url"): _l("a live link into a call room"),
    ("candidate_cvs", "storage_name"): _l("the random name of the file on the server; the file itself is in cvs/"),
    ("data_exports", "storage_name"): _l("the random name of the file on the server"),
    ("candidate_cv_accesses", "viewer_id"): _l("the recruiter who opened a CV is shown by company, "
                                               "as on the account page"),
    ("audit_log", "object_label"): _l("may name other people"),
    ("audit_log", "details"): _l("may hold other people's data"),
}

# (table, column) → the user column that must name the person for the value to be exported.
OWNED_BY: dict[tuple[str, str], str] = {
    ("chat_messages", "text"): "author_id",
    ("invitations", "email"): "accepted_by_id",
    ("team_invitations", "email"): "accepted_by_id",
    ("audit_log", "actor_email"): "actor_id",
    ("audit_log", "ip_address"): "actor_id",
}

# Tables with no foreign key to the person that still hold rows about them: table → how to reach them.
# ("via", column, parent table, parent's user column): rows whose `column` points at a parent row of
# the person. ("email", column): rows whose `column` is the person's address. ("object", type): rows
# whose object_type/object_id name the person's row of that table (staff actions on their account).
REACHABLE: dict[str, tuple[str, ...]] = {
    "pipeline_notes": ("via", "entry_id", "pipeline_entries", "candidate_id"),
    "candidate_cv_accesses": ("via", "cv_id", "candidate_cvs", "user_id"),
    "bulk_recipients": ("email", "email"),
    "audit_log": ("object", "users"),
}

# Public things the rows name by number, named in references.json: table → the column that names a row.
NAMED: dict[str, str] = {"organisations": "name", "editions": "title", "offers": "title", "webinars": "title"}

# What each file holds.
TABLES: dict[str, object] = {
    "users": _l("Your account: name, address, language, dates of sign-up and last activity."),
    "action_tokens": _l("Single-purpose links sent to you (a survey answered from a mail), without their secret."),
    "audit_log": _l("Actions you took as staff, and staff actions on your account, that the platform records."),
    "calendar_feeds": _l("Your calendar subscription (its secret address is left out)."),
    "candidate_cvs": _l("The CVs you uploaded; the files themselves are in cvs/."),
    "candidate_cv_accesses": _l("Each time a recruiter opened or downloaded one of your CVs."),
    "candidate_profiles": _l("Your candidate profile."),
    "consent_records": _l("Each consent you gave or withdrew, with its exact text."),
    "data_exports": _l("The exports of your data you asked for."),
    "memberships": _l("The organisations you belong to."),
    "mfa_recovery_codes": _l("Your two-step verification recovery codes (dates only, never the codes)."),
    "password_reset_tokens": _l("Password resets you asked for (dates only)."),
    "referrals": _l("Referrals between a candidate and an adviser of a partner."),
    "team_invitations": _l("Invitations to join an organisation's team that you sent or accepted."),
    "user_sessions": _l("Your sign-ins: when, from which address and browser."),
    "bulk_invitations": _l("Lists of invitations you sent to a fair."),
    "bulk_recipients": _l("Lines of invitation lists that named your address."),
    "calendar_entries": _l("The entries of your calendar: interviews, webinars."),
    "checkins": _l("Arrivals at an on-site fair."),
    "invitations": _l("Invitations to take part in a fair, sent or accepted."),
    "pipeline_entries": _l("Where a company's recruitment stands for a candidate."),
    "pipeline_notes": _l("Notes written in a company's recruitment pipeline about a candidate."),
    "survey_responses": _l("Your answers to satisfaction surveys."),
    "booth_staff": _l("The booths you staff."),
    "chat_messages": _l("Messages in booth chats."),
    "chat_mutes": _l("Chat mutes."),
    "chat_private_messages": _l("Private messages between a recruiter and a candidate."),
    "jobdating_availabilities": _l("Interview availability you opened."),
    "join_requests": _l("Requests to join an organisation."),
    "live_announcements": _l("Announcements you made during a live fair."),
    "live_queue_entries": _l("Your places in booth queues."),
    "webinars": _l("Webinars you created."),
    "applications": _l("Applications to job offers."),
    "jobdating_slots": _l("Interview slots."),
    "webinar_questions": _l("Questions you asked during webinars."),
    "webinar_registrations": _l("Your webinar registrations."),
    "jobdating_bookings": _l("Interview bookings."),
    "jobdating_waitlist": _l("Your places on interview waiting lists."),
    "webinar_votes": _l("Your votes for webinar questions."),
    "call_rooms": _l("Video and phone calls."),
}

# What each field means, by column name (a table may override one in TABLE_FIELDS). A foreign key to
# `users.id` is exported as `<role>_name`: its entry is here under that name.
FIELDS: dict[str, object] = {
    "id": _l("Number of the row in this file"),
    "created_at": _l("When it was created"),
    "updated_at": _l("When it last changed"),
    "status": _l("Its state"),
    "role": _l("The role held"),
    "kind": _l("Its kind"),
    "mode": _l("How it takes place: video, phone or on site"),
    "location": _l("Where it takes place"),
    "starts_at": _l("When it starts"),
    "ends_at": _l("When it ends"),
    "expires_at": _l("When it expires"),
    "used_at": _l("When it was used"),
    "revoked_at": _l("When it was revoked"),
    "accepted_at": _l("When it was accepted"),
    "cancelled_at": _l("When it was cancelled"),
    "confirmed_at": _l("When it was confirmed"),
    "joined_at": _l("When it was joined"),
    "decided_at": _l("When it was decided"),
    "text": _l("The text written"),
    "body": _l("The text written"),
    "email": _l("Email address"),
    "phone": _l("Phone number"),
    "city": _l("Town"),
    "locale": _l("Language"),
    "language": _l("Language"),
    "source": _l("Where it comes from"),
    "action": _l("What was done"),
    "purpose": _l("What it is for"),
    "size": _l("Size in bytes"),
    "title": _l("Title"),
    "description": _l("Description"),
    "summary": _l("Title of the calendar entry"),
    "ip_address": _l("Internet address it came from"),
    "user_agent": _l("Browser it came from"),
    "edition_id": _l("Number of the fair"),
    "booth_id": _l("Number of the booth"),
    "company_id": _l("Number of the company"),
    "organisation_id": _l("Number of the organisation"),
    "partner_id": _l("Number of the partner organisation"),
    "offer_id": _l("Number of the job offer"),
    "cv_id": _l("Number of the CV (see candidate_cvs.json)"),
    "slot_id": _l("Number of the interview slot"),
    "availability_id": _l("Number of the availability"),
    "booking_id": _l("Number of the booking"),
    "webinar_id": _l("Number of the webinar"),
    "question_id": _l("Number of the question"),
    "entry_id": _l("Number of the pipeline entry (see pipeline_entries.json)"),
    "invitation_id": _l("Number of the invitation"),
    "bulk_id": _l("Number of the invitation list"),
    "offered_slot_id": _l("Number of the slot offered from the waiting list"),
    "subject_type": _l("What the link concerns"),
    "subject_id": _l("Number of what the link concerns"),
    "ref_id": _l("Number of the interview or webinar"),
    # Other people, by the name the app showed.
    "user_name": _l("Name of the person concerned"),
    "actor_name": _l("Name of the person who acted"),
    "adviser_name": _l("Name of the adviser"),
    "accepted_by_name": _l("Name of the person who accepted"),
    "applied_by_name": _l("Name of the person who applied (the candidate or their adviser)"),
    "author_name": _l("Name of the author"),
    "booked_by_name": _l("Name of the person who booked"),
    "called_by_name": _l("Name of the recruiter who called"),
    "cancelled_by_name": _l("Name of the person who cancelled"),
    "candidate_name": _l("Name of the candidate"),
    "checked_in_by_name": _l("Name of the person who checked the arrival in"),
    "created_by_name": _l("Name of the person who created it"),
    "decided_by_name": _l("Name of the person who decided"),
    "held_for_name": _l("Name of the candidate the slot is held for"),
    "hidden_by_name": _l("Name of the moderator who hid it"),
    "invited_by_name": _l("Name of the person who invited"),
    "muted_by_name": _l("Name of the person who muted"),
    "phone_requested_by_name": _l("Name of the person who asked for a phone call"),
    "recorded_by_name": _l("Name of the person who recorded it"),
    "recruiter_name": _l("Name of the recruiter"),
    "requested_by_name": _l("Name of the person who asked"),
    "updated_by_name": _l("Name of the person who last changed it"),
    # One table's own fields.
    "full_name": _l("Full name"),
    "is_admin": _l("Whether you administer the instance"),
    "is_active_account": _l("Whether the account may sign in"),
    "email_confirmed_at": _l("When the email address was confirmed"),
    "totp_enabled_at": _l("When two-step verification was turned on"),
    "last_active_at": _l("When the account was last used"),
    "inactivity_warned_at": _l("When you were warned that an unused account would be anonymised"),
    "erased_at": _l("When the account was erased"),
    "max_uses": _l("How many times the link may be used"),
    "uses": _l("How many times it was used"),
    "actor_email": _l("Email address of the person who acted, at the time"),
    "object_type": _l("Kind of thing acted on"),
    "object_id": _l("Number of the thing acted on"),
    "original_name": _l("Name of the file as uploaded"),
    "sha256": _l("Fingerprint (SHA-256) of the file"),
    "preferred_contact": _l("How you prefer to be contacted"),
    "postcode": _l("Postcode"),
    "birth_year": _l("Year of birth"),
    "skills": _l("Skills"),
    "languages": _l("Languages spoken"),
    "mobility": _l("How far you can travel"),
    "availability": _l("When you are available"),
    "prefers_phone_interview": _l("Whether you prefer interviews by phone"),
    "needs_interpreter": _l("Whether you need an interpreter"),
    "accessibility_needs": _l("Accessibility needs"),
    "situations": _l("Situations you chose to share (priority publics)"),
    "situation_consent_at": _l("When you agreed to share those situations"),
    "version": _l("Version of the text agreed to"),
    "given_at": _l("When it was given"),
    "withdrawn_at": _l("When it was withdrawn"),
    "progress": _l("How far the building went, in percent"),
    "error": _l("What went wrong, if anything"),
    "ready_at": _l("When it was ready"),
    "downloaded_at": _l("When it was downloaded"),
    "note": _l("Note written with the referral"),
    "consent_text": _l("Text the candidate agreed to"),
    "last_seen_at": _l("When the session was last used"),
    "mfa_at": _l("When two-step verification was passed"),
    "filename": _l("Name of the uploaded list"),
    "total": _l("Number of lines"),
    "sent": _l("Number of invitations sent"),
    "rejected": _l("Lines refused, with why"),
    "line": _l("Line of the list"),
    "name": _l("Name given in the list"),
    "queued_at": _l("When it was queued"),
    "uid": _l("Identifier of the event in calendar apps"),
    "sequence": _l("Version of the event in calendar apps"),
    "scanned_at": _l("When the arrival was scanned"),
    "method": _l("How the arrival was recorded"),
    "organisation_name": _l("Name of the organisation invited"),
    "rating": _l("Rating given by the recruiter"),
    "next_step": _l("Next step planned"),
    "answers": _l("Answers given"),
    "comment": _l("Comment written"),
    "job_title": _l("Job title shown on the booth"),
    "hidden_at": _l("When it was hidden"),
    "until": _l("Until when"),
    "from_recruiter": _l("Whether the recruiter wrote it"),
    "slot_minutes": _l("Length of each slot, in minutes"),
    "buffer_minutes": _l("Break between slots, in minutes"),
    "ticket": _l("Ticket number in the queue"),
    "called_at": _l("When the candidate was called"),
    "turn_expires_at": _l("Until when the turn was kept"),
    "room_id": _l("Number of the call"),
    "started_at": _l("When the call started"),
    "ended_at": _l("When it ended"),
    "speaker": _l("Speaker"),
    "duration_minutes": _l("Length in minutes"),
    "capacity": _l("Number of places"),
    "provider": _l("Video service used"),
    "room": _l("Name of the video room"),
    "external_url": _l("Address of the webinar on another service"),
    "message": _l("Message sent with the application"),
    "rejection_reason": _l("Why the application was not retained"),
    "interview_booked_at": _l("When an interview was booked"),
    "status_changed_at": _l("When its state last changed"),
    "held_until": _l("Until when the slot is held"),
    "hidden": _l("Whether it was hidden"),
    "answered": _l("Whether it was answered"),
    "cancel_reason": _l("Why it was cancelled"),
    "attendance": _l("Whether the candidate came"),
    "outcome": _l("Outcome of the interview"),
    "offer_expires_at": _l("Until when the offered slot is kept"),
    "opens_at": _l("When the call opens"),
    "closes_at": _l("When the call closes"),
    "phone_requested_at": _l("When a phone call was asked for"),
    "phone_since": _l("Since when the call goes by phone"),
}

# Where one table uses a common name in its own sense.
TABLE_FIELDS: dict[tuple[str, str], object] = {
    ("users", "email"): _l("Your email address"),
    ("users", "created_at"): _l("When you signed up"),
    ("chat_messages", "role"): _l("Role of the author in the chat"),
    ("survey_responses", "role"): _l("Role in which you answered"),
    ("memberships", "role"): _l("Your role in the organisation"),
    ("jobdating_bookings", "ends_at"): _l("When the interview ends"),
}

# The extra files of the zip.
OTHER_FILES: dict[str, object] = {
    "README.txt": _l("This description."),
    "fields.json": _l("The same description, for programs: file → field → meaning."),
    "references.json": _l("The names of the organisations, fairs, offers and webinars that the other files give "
                          "by number: table → number → name."),
    "cvs/": _l("Your CV files, as you uploaded them, under their names."),
    "mails/": _l("The mails the platform sent to your address: subject, date and text (links that "
                 "worked once are erased after sending)."),
}
