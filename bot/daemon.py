"""The daemon: wires IRC sessions, the router, the event store and publishing together.

This is the thin shell around the pure core. Every channel event is queued for the
database first, then routed; replies go out once the event that caused them is committed,
so a crash can lose neither a logged line nor the state derived from it.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
import time
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Config, persona_nicks, publish_roots, settings_for
from bot.core.effects import Ask, Effect, Join, Leave, Publish, Remember, Reply, Schedule, Search
from bot.core.events import CLOCK_OFFSET, Event, Kind, utcnow
from bot.core.names import PERSONAS, RRSAGENT, fold
from bot.core.paths import relative_name, url_for
from bot.core.record import visibility_key
from bot.core.router import Router
from bot.core.text import reason
from bot.irc.connection import Session
from bot.irc.dedupe import Deduper, event_key, raw_message_key
from bot.outside.asker import Outside, answer_text
from bot.plugins import load_plugins
from bot.publish.files import write_assets, write_file
from bot.publish.log import irc_log_page, read_log, search_lines
from bot.publish.minutes import LogLine, Look, format_irc_log, render_all
from bot.storage.store import EventWriter, Store, upgrade_in_child

log = logging.getLogger(__name__)

def _why(exc: BaseException | None) -> str:
    """A one-phrase reason for the log line that says a vital task ended."""
    if exc is None:
        return "it ended"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# Channel messages are de-duplicated as raw lines, before parsing (see bot.irc.dedupe).
_RAW_CHECKED = {Kind.MESSAGE, Kind.ACTION, Kind.NOTICE}


class Agendum:
    """One running bot: three personas (one connection per distinct nick), one store, one
    router."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.network = cfg.irc.network
        self.nicks = persona_nicks(cfg)
        self.store = Store.open(cfg.storage.url)
        self.writer = EventWriter(self.store)
        self.outside = Outside(cfg.github)
        settings = settings_for(cfg)
        self.router = Router(settings, load_plugins(settings))
        # Timers live in the plugins' state (rebuilt by replay); APScheduler only wakes us.
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.sessions: dict[str, Session] = {}
        by_nick: dict[str, Session] = {}  # personas sharing a nick share its connection
        for persona in PERSONAS:
            if fold(self.nicks[persona]) in by_nick:
                self.sessions[persona] = by_nick[fold(self.nicks[persona])]
                continue
            self.sessions[persona] = by_nick[fold(self.nicks[persona])] = Session(
                cfg=cfg.irc,
                nick=self.nicks[persona],
                realname=cfg.bot.realname,
                network=self.network,
                sink=self.on_event,
                on_invite=self.on_invite,
                on_private=self.on_private,
                on_membership=self.on_membership,
            )
        self.unique = list({id(s): s for s in self.sessions.values()}.values())
        self.index = {id(s): i for i, s in enumerate(self.unique)}
        self.deduper = Deduper(sources=len(self.unique))
        self.raw_deduper = Deduper(sources=len(self.unique))
        for session in self.unique:
            session.hold_back = self.writer.behind
            if len(self.unique) > 1:  # each connection sees every line: keep the first copy
                session.raw_filter = self.first_raw_sighting
        self._own_nicks: tuple[str, ...] = ()
        self._own_keys: set[str] = set()
        self.stopped = asyncio.Event()
        self.stop_reason = ""
        self.background: set[asyncio.Task[Any]] = set()

    # ---- start and stop ----------------------------------------------------------------

    async def run(self) -> int:
        """Serve until SIGTERM/SIGINT (exit status 0), or until a part the bot cannot work
        without dies (status 1, so that systemd or Docker starts it again)."""
        # The database writer runs in a thread; hand the GIL back to the IRC loop quickly so
        # sockets are read within a millisecond even while a batch is being written.
        sys.setswitchinterval(0.001)
        await asyncio.to_thread(upgrade_in_child, self.cfg.storage.url)
        self.writer.start()
        self.scheduler.start()
        await self.restore()
        gc.freeze()  # start-up objects leave the collector's view: full collections stay short
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop, sig.name)
        runners: dict[asyncio.Task[Any], str] = {
            asyncio.create_task(s.run()): f"the IRC connection of {s.wanted_nick}"
            for s in self.unique}
        if self.cfg.web.in_run:  # the web pages from this process too (config [web] in_run)
            from bot.web.server import serve

            runners[asyncio.create_task(serve(self.cfg, self.store, self.stopped))] = \
                "the web server"
        if self.writer.task is not None:
            runners[self.writer.task] = "the database writer"
        stop = asyncio.create_task(self.stopped.wait())
        done, _ = await asyncio.wait([stop, *runners], return_when=asyncio.FIRST_COMPLETED)
        status = 0
        for task in done - {stop}:  # none of them ends by itself unless something broke
            exc = None if task.cancelled() else task.exception()
            if exc is None and self.stopped.is_set():
                continue  # the web server ends with the stop, sometimes in the same turn
            status = 1
            log.critical("%s stopped: %s; agendum exits with status 1 so that it can be "
                         "restarted", runners[task], _why(exc),
                         exc_info=None if isinstance(exc, OSError) else exc)  # bugs: traceback
        self.stop_reason = self.stop_reason or "failure"
        stop.cancel()
        await asyncio.gather(*(s.quit("agendum shutting down") for s in self.unique))
        self.stopped.set()  # the web server's signal to close
        others = [task for task in runners if task is not self.writer.task]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
        self.scheduler.shutdown(wait=False)
        await self.outside.close()
        if self.writer.task is not None and not self.writer.task.done():
            await self.writer.close()
        self.store.close()
        log.info("agendum stopped (%s): %d events stored, quit from IRC", self.stop_reason,
                 self.writer.written)
        return status

    def stop(self, signal_name: str) -> None:
        self.stop_reason = signal_name
        self.stopped.set()

    async def restore(self) -> None:
        """Rejoin remembered channels, rebuild meeting state by replaying stored events, and
        schedule the timers still pending (those due while we were down fire at once)."""
        since = utcnow() - timedelta(hours=self.cfg.bot.replay_hours)
        for channel, key, value in await asyncio.to_thread(
                self.store.remembered_values, self.network):
            self.router.recall(channel, key, value)
        channels: dict[str, str] = {fold(c): c for c in self.cfg.irc.channels}
        for persona, session in self.sessions.items():
            remembered = await asyncio.to_thread(
                self.store.joined_channels, self.network, persona
            )
            for channel in [*self.cfg.irc.channels, *remembered]:
                session.wanted[fold(channel)] = channel
                channels.setdefault(fold(channel), channel)
        replayed = 0
        for channel in channels.values():
            events = await asyncio.to_thread(self.store.events_for, self.network, channel, since)
            for event in events:
                self.router.dispatch(event)  # effects dropped: they happened before
            replayed += len(events)
        pending = self.router.pending()
        for timer in pending:
            self.schedule(timer)
        log.info("restored %d channels from %d stored events; %d timers pending",
                 len(channels), replayed, len(pending))

    # ---- events in ---------------------------------------------------------------------

    def is_own(self, nick: str) -> bool:
        current = tuple(s.nick for s in self.unique)
        if current != self._own_nicks:  # nicks change rarely (fallback, regain)
            self._own_nicks, self._own_keys = current, {fold(n) for n in current}
        return fold(nick) in self._own_keys

    def first_raw_sighting(self, session: Session, line: str) -> bool:
        """Skip the other connection's copy of a channel message before it is even parsed."""
        key = raw_message_key(line)
        if key is None:
            return True  # not a channel message: checked by content once parsed
        return self.raw_deduper.is_new(self.index[id(session)], key, time.monotonic())

    def on_event(self, session: Session, event: Event) -> None:
        if event.from_bot:  # our own line, recorded as it was sent
            self.writer.put(event)
            return
        if event.kind in (Kind.MESSAGE, Kind.ACTION, Kind.NOTICE) and self.is_own(event.nick):
            return  # the other persona's line, already recorded when sent
        if len(self.unique) > 1 and event.kind not in _RAW_CHECKED:
            source = self.index[id(session)]
            if not self.deduper.is_new(source, event_key(event), time.monotonic()):
                return  # the same event, seen through the other persona's connection
        self.writer.put(event)
        effects = self.router.dispatch(event)
        if effects:  # act once the event that caused them is safely stored
            self.spawn(self.apply(effects, self.writer.committed()))

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` in the background, holding a reference until it is done."""
        task = asyncio.get_running_loop().create_task(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def apply(self, effects: list[Effect], committed: asyncio.Future[None]) -> None:
        await committed
        for effect in effects:
            try:
                await self.apply_one(effect)
            except Exception:
                log.exception("could not carry out %r", effect)

    async def apply_one(self, effect: Effect) -> None:
        if isinstance(effect, Reply):
            session = self.sessions[effect.persona]
            if fold(effect.target) in session.wanted:  # joining (start meeting): wait for it
                await self.joined(session, effect.target, timeout=10)
            if session.in_channel(effect.target):
                session.say(effect.target, effect.text, action=effect.action)
        elif isinstance(effect, Publish):
            await self.publish(effect)
        elif isinstance(effect, Leave):
            session = self.sessions[effect.persona]
            session.part(effect.channel)
        elif isinstance(effect, Join):
            session = self.sessions[effect.persona]
            if not session.in_channel(effect.channel):
                session.join(effect.channel)
        elif isinstance(effect, Schedule):
            self.schedule(effect)
        elif isinstance(effect, Search):
            lines = await asyncio.to_thread(self.log_of, effect.channel, effect.day)
            # Not the searches themselves, nor RRSAgent's answers: only what the meeting said.
            lines = [ln for ln in lines if not self.is_own(ln.nick)
                     and RRSAGENT not in (self.router.addressed_to(ln.text) or ((), ""))[0]]
            for line in search_lines(lines, effect):
                self.sessions[RRSAGENT].say(effect.channel, line)
        elif isinstance(effect, Ask):
            self.spawn(self.ask(effect))
        elif isinstance(effect, Remember):
            await asyncio.to_thread(self.store.remember_value, self.network, effect.channel,
                                    effect.key, effect.value)

    # ---- timers ------------------------------------------------------------------------

    def schedule(self, timer: Schedule) -> None:
        """Wake the owner at ``timer.at``; one already past due runs as soon as the loop can."""
        self.scheduler.add_job(
            # APScheduler runs on the real clock; ours may be offset (see bot.core.events).
            self.wake, "date", run_date=max(timer.at, utcnow()) - CLOCK_OFFSET, args=[timer],
            id=f"{timer.owner} {fold(timer.channel)} {timer.key}", replace_existing=True,
            misfire_grace_time=None, coalesce=True,
        )

    async def wake(self, timer: Schedule) -> None:
        """The job returns at once: a timer that sets itself again (RRSAgent's idle check)
        may fall due while ``fire`` still runs, and APScheduler skips a job whose previous
        run of the same id has not ended (one instance at most)."""
        self.spawn(self.fire(timer))

    @staticmethod
    async def joined(session: Session, channel: str, timeout: float) -> None:
        """Wait (without blocking the loop) until ``session`` is in ``channel``, or time out."""
        deadline = time.monotonic() + timeout
        while not session.in_channel(channel) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def fire(self, timer: Schedule) -> None:
        """The timer fired: store it as an event (so replay knows), then let its plugin speak.

        A timer that fell due while the bot was down fires at start-up, before the persona
        is back in the channel: it waits for the join (a minute at most), so it is heard.
        """
        await self.joined(self.sessions[self.router.persona_of(timer.owner)], timer.channel,
                          timeout=60)
        await self.happened(Event(utcnow(), self.network, timer.channel, Kind.TIMER,
                                  timer.owner, timer.key))

    async def ask(self, question: Ask) -> None:
        """Ask GitHub or a web page (never blocking the IRC loop), store the answer as an
        event, so replay hears the same, then let the plugin that asked carry on."""
        result = await self.outside.answer(question.request)
        await self.happened(Event(utcnow(), self.network, question.channel, Kind.ANSWER,
                                  question.owner,
                                  answer_text(question.key, question.request, result)))

    async def happened(self, event: Event) -> None:
        """An event of the bot's own making (a timer, an answer): stored first, so replay
        sees it, then routed; its effects wait for the commit, like a channel line's."""
        self.writer.put(event)
        effects = self.router.dispatch(event)
        if effects:
            await self.apply(effects, self.writer.committed())

    def on_invite(self, session: Session, inviter: str, channel: str) -> None:
        log.info("%s invited %s to %s", inviter, session.nick, channel)
        session.join(channel)

    def on_membership(self, session: Session, channel: str, joined: bool) -> None:
        # Left by request or kicked: forget it; lost connections keep ``wanted`` and rejoin.
        remember = joined or fold(channel) not in session.wanted
        if not remember:
            return
        for persona, s in self.sessions.items():
            if s is session:
                self.spawn(asyncio.to_thread(
                    self.store.remember_channel, self.network, persona, channel, joined
                ))

    def on_private(self, session: Session, nick: str, text: str) -> None:
        personas = [p for p, s in self.sessions.items() if s is session]
        if text.strip().lower().rstrip("?") == "help":
            for persona in personas:
                for line in self.router.help_lines(persona):
                    session.say(nick, line, notice=True)
        else:
            session.say(nick, f"I only take commands in a channel. Try /msg {session.nick} help",
                        notice=True)

    # ---- publishing --------------------------------------------------------------------

    async def publish(self, effect: Publish) -> None:
        """Write the day's files, then say so; or say in the channel why they could not be
        written (and log it once), so nobody is sent to a page that is not there."""
        await self.sent()  # lines said just before (end meeting's attendance) are in the log
        await self.writer.flush()
        try:
            await asyncio.to_thread(self.write_minutes, effect.channel, effect.day)
        except OSError as exc:
            where = exc.filename or self.cfg.publish.dir
            why = reason(exc)
            log.error("could not publish %s %s: cannot write %s: %s", effect.channel,
                      effect.day, where, why)
            said = f"{effect.failed}: the publish folder cannot be written ({why})"
        except Exception:
            log.exception("could not publish %s %s", effect.channel, effect.day)
            said = f"{effect.failed}: something went wrong drawing the minutes (see my log)"
        else:
            said = effect.done
        if said:
            await self.apply_one(Reply(RRSAGENT, effect.channel, said))

    async def sent(self, timeout: float = 10.0) -> None:
        """Wait until every queued outgoing line has gone out (and so been recorded)."""
        deadline = time.monotonic() + timeout
        while any(s.out for s in self.unique) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def log_of(self, channel: str, day: str) -> list[LogLine]:
        return read_log(self.store, self.network, channel, day, self.router.settings)

    def write_minutes(self, channel: str, day: str) -> list[Path]:
        """The day's files, as RRSAgent lays them out, plus the minutes in Markdown and JSON."""
        lines = self.log_of(channel, day)
        base = self.cfg.publish.base_url
        look = Look(self.cfg.publish.style, self.cfg.publish.logo)
        minutes = render_all(lines, day=datetime.fromisoformat(day).date(), channel=channel,
                             log_url=url_for(base, channel, day, "irc.txt"), look=look)
        name = partial(relative_name, channel, day)
        files = {"irc.txt": format_irc_log(lines),
                 "irc.html": irc_log_page(lines, channel, day, look),
                 "minutes.html": minutes["html"], "minutes.md": minutes["md"],
                 "minutes.json": minutes["json"]}
        visibility = self.store.remembered_value(self.network, channel, visibility_key(day))
        roots = publish_roots(self.cfg)
        root = roots[visibility or self.router.settings.visibility(channel)]
        for other in {r for r in roots.values() if r != root}:  # made member after public...
            for suffix in files:
                (other / name(suffix)).unlink(missing_ok=True)
        write_assets(root)
        return [write_file(root, name(suffix), content) for suffix, content in files.items()]
