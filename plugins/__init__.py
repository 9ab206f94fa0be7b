"""agendum's plugins, one module each. ``load_plugins`` is the one place that lists them."""

from __future__ import annotations

from bot.core.names import GB, RRSAGENT, ZAKIM
from bot.core.plugin import Plugin, Settings
from bot.core.record import Record


def load_plugins(settings: Settings) -> list[Plugin]:
    from bot.plugins.agenda import AgendaPlugin
    from bot.plugins.agendabot import AgendaBotPlugin
    from bot.plugins.attendance import AttendancePlugin
    from bot.plugins.dismiss import Dismiss
    from bot.plugins.github import GitHubPlugin
    from bot.plugins.meeting import MeetingPlugin
    from bot.plugins.questions import QuestionsPlugin
    from bot.plugins.queue import QueuePlugin
    from bot.plugins.record import RecordPlugin
    from bot.plugins.reminders import RemindersPlugin

    return [
        QueuePlugin(settings),
        AgendaPlugin(settings),
        QuestionsPlugin(settings),
        AttendancePlugin(settings),
        MeetingPlugin(settings),
        RemindersPlugin(settings),
        RecordPlugin(settings),
        AgendaBotPlugin(settings),  # before gb: "agenda: <issue URL>" is an agenda, not a lookup
        GitHubPlugin(settings),
        Dismiss(settings, ZAKIM),
        Dismiss(settings, RRSAGENT),
        Dismiss(settings, GB),
    ]


def record_keeper(settings: Settings) -> Plugin[Record]:
    """A fresh RRSAgent record plugin: ``bot.core.record.public_record`` folds a log through
    it, so the grammar that turns logging off is the one that decides what is published."""
    from bot.plugins.record import RecordPlugin

    return RecordPlugin(settings)
