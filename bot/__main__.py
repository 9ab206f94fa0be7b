import sys

if sys.argv[1:2] == ["minutes"]:  # the minutes engine needs none of the daemon's imports
    from bot.scribe.command import minutes_main

    raise SystemExit(minutes_main(sys.argv[2:]))

from bot.cli import main

main()
