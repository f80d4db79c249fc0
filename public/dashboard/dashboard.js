// dashboard/dashboard.js: client behaviour for the dashboard plugin (filled in by the plugin).
