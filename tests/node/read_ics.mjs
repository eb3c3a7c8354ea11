// Reads iCalendar text with Mozilla's ical.js (the parser of Thunderbird) and prints what it
// understood as JSON, so the Python tests check our .ics files with a second, independent reader.
//
//   node read_ics.mjs file.ics        one file, one JSON document
//   node read_ics.mjs --lines         each stdin line is a JSON string holding a whole .ics;
//                                     each answer is one JSON line (a test keeps one process open)
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import ICAL from "ical.js";

function instant(time) {
  if (!time) return null;
  return { iso: time.toJSDate().toISOString(), utc: time.zone === ICAL.Timezone.utcTimezone };
}

function address(property) {
  if (!property) return null;
  return {
    value: property.getFirstValue(),
    cn: property.getParameter("cn") ?? null,
    role: property.getParameter("role") ?? null,
    partstat: property.getParameter("partstat") ?? null,
    rsvp: property.getParameter("rsvp") ?? null,
  };
}

function describe(text) {
  const root = new ICAL.Component(ICAL.parse(text));
  const events = root.getAllSubcomponents("vevent").map((vevent) => ({
    uid: vevent.getFirstPropertyValue("uid"),
    sequence: vevent.getFirstPropertyValue("sequence"),
    status: vevent.getFirstPropertyValue("status"),
    dtstart: instant(vevent.getFirstPropertyValue("dtstart")),
    dtend: instant(vevent.getFirstPropertyValue("dtend")),
    dtstamp: instant(vevent.getFirstPropertyValue("dtstamp")),
    summary: vevent.getFirstPropertyValue("summary"),
    description: vevent.getFirstPropertyValue("description"),
    location: vevent.getFirstPropertyValue("location"),
    url: vevent.getFirstPropertyValue("url"),
    organizer: address(vevent.getFirstProperty("organizer")),
    attendees: vevent.getAllProperties("attendee").map(address),
    alarms: vevent.getAllSubcomponents("valarm").map((alarm) => ({
      action: alarm.getFirstPropertyValue("action"),
      trigger: String(alarm.getFirstPropertyValue("trigger")),
      description: alarm.getFirstPropertyValue("description"),
    })),
  }));
  return {
    component: root.name,
    method: root.getFirstPropertyValue("method"),
    prodid: root.getFirstPropertyValue("prodid"),
    version: root.getFirstPropertyValue("version"),
    uid: root.getFirstPropertyValue("uid"),
    calname: root.getFirstPropertyValue("x-wr-calname"),
    events,
  };
}

function answer(text) {
  try {
    return describe(text);
  } catch (error) {
    return { error: String(error) };
  }
}

if (process.argv[2] === "--lines") {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim()) process.stdout.write(JSON.stringify(answer(JSON.parse(line))) + "\n");
  }
} else if (process.argv[2]) {
  process.stdout.write(JSON.stringify(answer(readFileSync(process.argv[2], "utf8")), null, 2) + "\n");
} else {
  process.stderr.write("usage: node read_ics.mjs FILE.ics | --lines\n");
  process.exit(2);
}
