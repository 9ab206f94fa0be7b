"""agendum's plugins, one module each. ``load_plugins`` is the one place that lists them."""

from __future__ import annotations

from bot.router import RRSAGENT, ZAKIM, Plugin, Settings


def load_plugins(settings: Settings) -> list[Plugin]:
    from bot.plugins.attendance import AttendancePlugin
    from bot.plugins.dismiss import Dismiss
    from bot.plugins.queue import QueuePlugin
    from bot.plugins.record import RecordPlugin

    return [
        QueuePlugin(settings),
        AttendancePlugin(settings),
        RecordPlugin(settings),
        Dismiss(settings, ZAKIM),
        Dismiss(settings, RRSAGENT),
    ]
