// calendar/calendar.js: client behaviour for the calendar plugin (filled in by the plugin).
