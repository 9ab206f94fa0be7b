"""Publishing: the file layout of published pages and the bot's side of the minutes."""
