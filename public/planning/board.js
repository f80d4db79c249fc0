// planning/board.js: client behaviour for the planning plugin (filled in by the plugin).
