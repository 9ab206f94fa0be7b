"""The daemon: wires IRC sessions, the router, the event store and publishing together.

This is the thin shell around the pure core. Every channel event is queued for the
database first, then routed; replies go out once the event that caused them is committed,
so a crash can lose neither a logged line nor the state derived from it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import logging
import signal
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import DBAPIError

from bot.config import Config, persona_nicks, publish_roots, settings_for
from bot.core import snapshot
from bot.core.effects import Ask, Effect, Join, Leave, Publish, Remember, Reply, Schedule, Search
from bot.core.events import CLOCK_OFFSET, Event, Kind, utcnow
from bot.core.gaps import LOOKBACK, Recovery, gap_text
from bot.core.names import PERSONAS, RRSAGENT, fold
from bot.core.router import Router
from bot.irc.connection import Session
from bot.irc.dedupe import Deduper, event_key, raw_message_key
from bot.outside.asker import Outside, answer_text
from bot.plugins import load_plugins
from bot.publish.lines import LogLine
from bot.publish.log import read_log
from bot.publish.worker import DraftFailed, Job, run_job
from bot.storage.store import EventWriter, Snapshot, Store, upgrade_in_child

log = logging.getLogger(__name__)

def _why(exc: BaseException | None) -> str:
    """A one-phrase reason for the log line that says a vital task ended."""
    if exc is None:
        return "it ended"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# Channel messages are de-duplicated as raw lines, before parsing (see bot.irc.dedupe).
_RAW_CHECKED = {Kind.MESSAGE, Kind.ACTION, Kind.NOTICE}
# After a burst of this many stored events, once the channel is quiet again, or after a
# draft, freed heap memory is handed back to the system (see ``give_back_memory``).
TRIM_AFTER = 5_000
TRIM_LOOK = 2.0  # seconds between looks

# Minutes drawn at once, each in a child process of its own: meetings that end together on
# the hour must not take a 100 MB child each at the same moment.
DRAFTS_AT_ONCE = 2


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where there is none (musl, macOS)."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    return trim
# After a persona is back in a channel, how long to wait for a replay of what was missed
# before deciding what is missing; and how long after the last replayed line.
REPLAY_WAIT = 5.0
REPLAY_QUIET = 2.0


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
                on_history_done=self.on_history_done,
                on_dropped=self.on_dropped,
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
        self.drafting = asyncio.Semaphore(DRAFTS_AT_ONCE)
        self.trim = _malloc_trim()
        # Filling gaps (bot.core.gaps), by folded channel: since when no persona heard it,
        # the recoveries under way, their loading of stored lines, and when each settles.
        self.away: dict[str, datetime] = {}
        self.recovering: dict[str, Recovery] = {}
        self.loading: dict[str, asyncio.Task[None]] = {}
        self.settling: dict[str, asyncio.TimerHandle] = {}
        self.state_version = snapshot.version(self.router)
        self.snapshot_at: int | None = None  # the event id of the last snapshot taken or loaded

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
        snapshots = asyncio.create_task(self.snapshot_every(self.cfg.bot.snapshot_minutes * 60))
        gc.freeze()  # start-up objects leave the collector's view: full collections stay short
        self.spawn(self.give_back_memory())
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
        snapshots.cancel()
        await self.outside.close()
        if self.writer.task is not None and not self.writer.task.done():
            await self.writer.close()
        await self.save_snapshot("at shutdown")
        self.store.close()
        log.info("agendum stopped (%s): %d events stored, quit from IRC", self.stop_reason,
                 self.writer.written)
        return status

    def stop(self, signal_name: str) -> None:
        self.stop_reason = signal_name
        self.stopped.set()

    async def restore(self) -> None:
        """Rejoin remembered channels, rebuild meeting state from the newest usable snapshot
        and the events stored after it (else by replaying every stored event of the window),
        and schedule the timers still pending (those due while we were down fire at once)."""
        since = utcnow() - timedelta(hours=self.cfg.bot.replay_hours)
        self.writer.last_id = await asyncio.to_thread(self.store.last_event_id)
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
        last = await asyncio.to_thread(self.store.last_event_time, self.network)
        loaded = await self.load_snapshot(since, list(channels.values()))
        if loaded is None:
            replayed = await self.replay(since, list(channels.values()))
            self.spawn(self.save_snapshot("after a full replay"))  # the next start is quick
        else:
            self.snapshot_at = loaded.event_id
            tail = await asyncio.to_thread(self.store.events_after, self.network,
                                           loaded.event_id)
            for event in tail:
                if fold(event.channel) in channels:  # as the full replay reads them
                    self.router.dispatch(event)
            replayed = len(tail)
        if last is not None:  # heard until the last stored event, then nothing: a hole
            self.away.update(dict.fromkeys(channels, last))
        pending = self.router.pending()
        for timer in pending:
            self.schedule(timer)
        source = f"{replayed} stored events" if loaded is None else (
            f"snapshot {loaded.id} (event {loaded.event_id}) and the {replayed} stored events "
            "after it")
        log.info("restored %d channels from %s; %d timers pending", len(channels), source,
                 len(pending))

    async def replay(self, since: datetime, channels: list[str]) -> int:
        """Every stored event of the window through the router; how many there were."""
        replayed = 0
        for channel in channels:
            events = await asyncio.to_thread(self.store.events_for, self.network, channel, since)
            for event in events:
                self.router.dispatch(event)  # effects dropped: they happened before
            replayed += len(events)
        return replayed

    async def load_snapshot(self, since: datetime, channels: list[str]) -> Snapshot | None:
        """The newest snapshot, loaded into the router; None (and one log line saying why)
        when there is none this code can use, and the window must be replayed in full."""
        found = await asyncio.to_thread(self.store.latest_snapshot, self.network)
        if found is None:
            return None
        why = ""
        if found.version != self.state_version:
            why = f"written by other code (state version {found.version}, this is " \
                  f"{self.state_version})"
        elif found.created_at < since:
            why = f"taken at {found.created_at:%Y-%m-%d %H:%M} UTC, before the replay window"
        elif found.event_id > (self.writer.last_id or 0):
            why = f"it is of event {found.event_id}, past the last one stored"
        else:
            try:
                snapshot.load(self.router, found.payload, channels)
            except snapshot.SnapshotError as exc:
                why = str(exc)
        if why:
            log.warning("ignoring snapshot %d: %s; replaying the last %g hours instead",
                        found.id, why, self.cfg.bot.replay_hours)
            return None
        return found

    async def snapshot_every(self, seconds: float) -> None:
        """Snapshot the state now and then, when events came since the last one."""
        while True:
            await asyncio.sleep(seconds)
            await self.writer.flush()
            for _ in range(100):  # under a flood, wait for a moment with nothing to write
                if self.writer.boundary() is not None:
                    break
                await asyncio.sleep(0.05)
            await self.save_snapshot("periodic")

    async def save_snapshot(self, when: str) -> None:
        """Store the router's state with the id of the last event it holds, if every event
        routed is committed (else the boundary would not be exact: no snapshot this time).

        Snapshots are a cache: one that cannot be written costs start-up time, never a
        meeting, so a failure is one log line and the bot goes on."""
        boundary = self.writer.boundary()
        if boundary is None or boundary == self.snapshot_at:
            if boundary is None:
                log.info("no snapshot %s: events still being written", when)
            return
        try:
            payload = snapshot.dump(self.router)  # same turn of the loop as the boundary
            saved = await asyncio.to_thread(self.store.save_snapshot, self.network,
                                            self.state_version, boundary, utcnow(), payload)
        except Exception as exc:
            log.warning("could not save a snapshot %s: %s", when, _why(exc),
                        exc_info=None if isinstance(exc, DBAPIError | OSError) else exc)
            return
        self.snapshot_at = boundary
        # DEBUG: routine, every few minutes; the start-up line says which snapshot it used.
        log.debug("snapshot %d %s: the state after event %d, %d bytes", saved, when, boundary,
                  len(payload))

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
        if event.history:
            self.recovered(event)
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
            from bot.publish.log import search_lines

            for line in search_lines(lines, effect):
                self.sessions[RRSAGENT].say(effect.channel, line)
            del lines
            await self.trimmed()  # the day's log was read into memory for the search
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
        if joined:
            self.back_in(session, channel)
        # Left by request or kicked: forget it; lost connections keep ``wanted`` and rejoin.
        remember = joined or fold(channel) not in session.wanted
        if not remember:
            return
        for persona, s in self.sessions.items():
            if s is session:
                self.spawn(asyncio.to_thread(
                    self.store.remember_channel, self.network, persona, channel, joined
                ))

    # ---- gaps: what was said while no persona was in a channel -------------------------

    def on_dropped(self, session: Session, channels: list[str]) -> None:
        """A connection dropped: channels no other persona is in are unheard from now on
        (from the last line the connection read, which may be a while before the drop)."""
        if self.stopped.is_set():
            return
        silent = timedelta(seconds=max(0.0, time.monotonic() - session.last_seen))
        for channel in channels:
            if not any(s is not session and s.in_channel(channel) for s in self.unique):
                self.away.setdefault(fold(channel), utcnow() - silent)

    def back_in(self, session: Session, channel: str) -> None:
        """A persona is back in ``channel``. If it was unheard, load what is stored around the
        hole before the next line is parsed (a replay follows the JOIN), then ask for
        history where the server offers it, and decide what is missing once it has come."""
        key = fold(channel)
        if key in self.loading:  # the other persona is loading it: wait for that too
            session.paused = True
            self.spawn(self._resume_after(session, self.loading[key]))
            return
        since = self.away.pop(key, None)
        if since is None:
            return
        session.paused = True
        task = asyncio.get_running_loop().create_task(
            self._load_recovery(session, channel, since, utcnow()))
        self.loading[key] = task
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def _resume_after(self, session: Session, loading: asyncio.Task[None]) -> None:
        with contextlib.suppress(Exception):
            await asyncio.shield(loading)
        session.paused = False

    async def _load_recovery(self, session: Session, channel: str, since: datetime,
                             back_at: datetime) -> None:
        key = fold(channel)
        stored: list[Event] = []
        try:
            await self.writer.flush()  # what this connection read before is stored
            stored = await asyncio.to_thread(self.store.events_for, self.network, channel,
                                             since - LOOKBACK)
            self.recovering[key] = Recovery.around(channel, since, back_at, stored)
        except Exception:
            log.exception("%s: could not read the stored lines to fill the gap", channel)
            self.recovering[key] = Recovery(channel, since, back_at)
        finally:
            self.loading.pop(key, None)
            session.paused = False
        # From the line before the last one stored: the answer then overlaps what is stored,
        # which shows that it reaches back far enough (else the rest is a gap).
        tagged = [e for e in stored if e.msgid][-2:]
        if len(tagged) == 2:
            session.request_history(channel, None, tagged[0].msgid)
        else:
            session.request_history(channel, since - LOOKBACK)
        self.settle_later(key, REPLAY_WAIT)

    def recovered(self, event: Event) -> None:
        """A replayed line: stored and routed if it is missing, without answering it (the
        meeting's state becomes what it would have been; old commands get no reply)."""
        key = fold(event.channel)
        recovery = self.recovering.get(key)
        if recovery is None:
            return  # replayed where nothing was missed (a first join, the other persona's)
        self.settle_later(key, REPLAY_QUIET)
        if not recovery.is_new(event):
            return
        if event.kind in _RAW_CHECKED and self.is_own(event.nick):
            return  # our own line: stored when it was sent
        event = replace(event, history=False)
        self.writer.put(event)
        quiet: list[Effect] = [e for e in self.router.dispatch(event)
                               if isinstance(e, Schedule | Remember)]
        if quiet:
            self.spawn(self.apply(quiet, self.writer.committed()))

    def on_history_done(self, session: Session, channel: str) -> None:
        if fold(channel) in self.recovering:
            self.settle_later(fold(channel), 0.0)

    def settle_later(self, key: str, delay: float) -> None:
        if (old := self.settling.pop(key, None)) is not None:
            old.cancel()
        self.settling[key] = asyncio.get_running_loop().call_later(delay, self.settle, key)

    def settle(self, key: str) -> None:
        """The replay is over (or none came): store a gap event for what is still missing."""
        self.settling.pop(key, None)
        recovery = self.recovering.pop(key, None)
        if recovery is None:
            return
        gap = recovery.gap()
        log.info("%s: %d missed lines recovered from history, %d replayed lines already "
                 "stored; %s", recovery.channel, recovery.new, recovery.known,
                 gap_text(*gap) if gap else "nothing missing")
        if gap is not None:  # routed too: RRSAgent's "where am I?" tells of it
            event = Event(gap[0], self.network, recovery.channel, Kind.GAP,
                          self.nicks[RRSAGENT], gap_text(*gap))
            self.writer.put(event)
            self.router.dispatch(event)

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
        written (and log it once), so nobody is sent to a page that is not there.

        A child process draws and writes them (``bot.publish.worker``): a big day takes
        it past 100 MB, which the daemon would keep long after.
        """
        await self.sent()  # lines said just before (end meeting's attendance) are in the log
        await self.writer.flush()
        job = Job(url=self.cfg.storage.url, network=self.network, channel=effect.channel,
                  day=effect.day, settings=self.router.settings, roots=publish_roots(self.cfg),
                  style=self.cfg.publish.style, logo=self.cfg.publish.logo)
        await self.trimmed()  # the day's traffic may have left freed pages behind
        try:
            async with self.drafting:
                await run_job(job)
        except DraftFailed as failed:
            log.error("could not publish %s %s: %s", effect.channel, effect.day, failed.log)
            said = f"{effect.failed}: {failed}"
        except Exception:  # the worker could not even be started (no memory, no processes)
            log.exception("could not publish %s %s", effect.channel, effect.day)
            said = f"{effect.failed}: something went wrong drawing the minutes (see my log)"
        else:
            said = effect.done
        await self.trimmed()  # the child's pipes and output
        if said:
            await self.apply_one(Reply(RRSAGENT, effect.channel, said))

    async def give_back_memory(self) -> None:
        """Once a burst of lines is stored (and in SQLite's search index), hand the freed
        heap pages back to the system. glibc keeps them otherwise: after a 20,000-line day
        the daemon stayed 5-9 MB bigger for good (measured, bench/bench_memory.py)."""
        if self.trim is None:
            return
        trimmed_at = self.writer.written
        while True:
            await asyncio.sleep(TRIM_LOOK)
            if self.writer.written - trimmed_at >= TRIM_AFTER and self.writer.settled():
                trimmed_at = self.writer.written
                await self.trimmed()

    async def trimmed(self) -> None:
        """Give the freed heap pages back now (ctypes lets go of the GIL meanwhile)."""
        if self.trim is not None:
            await asyncio.to_thread(self.trim, 0)

    async def sent(self, timeout: float = 10.0) -> None:
        """Wait until every queued outgoing line has gone out (and so been recorded)."""
        deadline = time.monotonic() + timeout
        while any(s.out for s in self.unique) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def log_of(self, channel: str, day: str) -> list[LogLine]:

        return read_log(self.store, self.network, channel, day, self.router.settings)

