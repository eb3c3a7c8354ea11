"""Job dating: recruiters' availability cut into slots, bookings that never double-book, waitlists,
attendance and outcomes, and the day agendas of candidates, recruiters and organisers."""
