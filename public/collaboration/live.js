// collaboration/live.js: client behaviour for the collaboration plugin (filled in by the plugin).
