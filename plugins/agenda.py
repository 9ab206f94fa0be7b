"""Zakim's agenda: ``agenda+``, ``agenda?``, taking up, closing, skipping, dropping and
reordering items, ``next agendum`` with its one-minute guard, and ``give this item N minutes``.

The agenda is plain data with pure operations; the plugin keeps one per channel, phrases the
replies as Zakim does (``agendum 2. "text" taken up [from alice]``, a line scribe.perl turns
into a topic), announces ``agendum-taken-up`` (the queue reopens) and listens to
``queue-length`` (an agendum with speakers waiting is only closed when ``really`` meant).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import re2

from bot.core.effects import Answer, Say, Schedule, Signal
from bot.core.events import Event
from bot.core.names import ZAKIM
from bot.core.plugin import Command, Plugin, command

# ---- the pure part ------------------------------------------------------------------------

OPEN, CLOSED, SKIPPED = "open", "closed", "skipped"
JUST_OPENED = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Item:
    number: int
    text: str
    proposer: str
    status: str = OPEN

    @property
    def line(self) -> str:
        return f"{self.number}. {self.text} [from {self.proposer}]"


@dataclass(frozen=True, slots=True)
class ItemTimer:
    """``give this item N minutes``: who asked, for which take-up of which item, when due."""

    channel: str
    key: str
    at: datetime
    asker: str
    number: int
    minutes: int


@dataclass(frozen=True, slots=True)
class Agenda:
    items: tuple[Item, ...] = ()
    last_number: int = 0
    order: tuple[int, ...] = ()  # "agenda order is 3, 2": the rest follow by number
    current: int | None = None
    opened_at: datetime | None = None
    take_ups: int = 0  # counts take-ups: an item timer belongs to one of them
    timer: ItemTimer | None = None
    ignored: bool = False
    queue_length: int = 0  # as the queue plugin last told us

    def item(self, number: int) -> Item | None:
        return next((i for i in self.items if i.number == number), None)


def _set(agenda: Agenda, number: int, **changes: object) -> Agenda:
    return replace(agenda, items=tuple(
        replace(i, **changes) if i.number == number else i for i in agenda.items))  # type: ignore[arg-type]


def add(agenda: Agenda, text: str, proposer: str) -> tuple[Agenda, int]:
    number = agenda.last_number + 1
    items = (*agenda.items, Item(number, text, proposer))
    return replace(agenda, items=items, last_number=number), number


def remaining(agenda: Agenda) -> list[Item]:
    """Items still to discuss, in the agreed order, then by number; skipped ones last."""
    rank = {n: i for i, n in enumerate(agenda.order)}
    ordered = sorted(agenda.items, key=lambda i: (rank.get(i.number, len(rank)), i.number))
    return ([i for i in ordered if i.status == OPEN]
            + [i for i in ordered if i.status == SKIPPED])


def next_item(agenda: Agenda) -> Item | None:
    """The first remaining item that is not open now (skipped items come last)."""
    return next((i for i in remaining(agenda) if i.number != agenda.current), None)


_PATTERN_OPTIONS = re2.Options()
_PATTERN_OPTIONS.case_sensitive = False
_PATTERN_OPTIONS.log_errors = False


def find(agenda: Agenda, ref: str) -> list[Item]:
    """Items ``ref`` names: a number, else a case-insensitive regular expression.

    Channel text is the pattern, so it runs on RE2, whose time is linear in the text: no
    pattern can stall the bot, and the answer never depends on how fast the machine is
    (replay after a restart must find the same item). A pattern RE2 cannot parse is text.
    """
    ref = ref.strip()
    if ref.isdecimal():
        found = agenda.item(int(ref))
        return [found] if found else []
    try:
        pattern = re2.compile(ref, options=_PATTERN_OPTIONS)
    except re2.error:
        return [i for i in agenda.items if ref.casefold() in i.text.casefold()]
    return [i for i in agenda.items if pattern.search(i.text)]


def take_up(agenda: Agenda, number: int, when: datetime) -> Agenda:
    agenda = _set(agenda, number, status=OPEN)
    return replace(agenda, current=number, opened_at=when, take_ups=agenda.take_ups + 1,
                   timer=None)


def close(agenda: Agenda, number: int) -> Agenda:
    agenda = _set(agenda, number, status=CLOSED)
    if agenda.current == number:
        agenda = replace(agenda, current=None, opened_at=None, timer=None)
    return agenda


def skip(agenda: Agenda, number: int) -> Agenda:
    agenda = _set(agenda, number, status=SKIPPED)
    if agenda.current == number:
        agenda = replace(agenda, current=None, opened_at=None, timer=None)
    return agenda


def drop(agenda: Agenda, number: int) -> Agenda:
    agenda = close(agenda, number)
    return replace(agenda, items=tuple(i for i in agenda.items if i.number != number),
                   order=tuple(n for n in agenda.order if n != number))


def parse_order(spec: str, last: int) -> tuple[int, ...]:
    """``3, 2, 5-7, 9-``: numbers, ranges, and ranges running to the end of the list.

    Only numbers up to ``last`` (the highest ever given) can name an item; the others go.
    """
    numbers: list[int] = []
    for token in re.split(r"[\s,]+", spec.strip()):
        if m := re.fullmatch(r"([0-9]+)-([0-9]*)", token):
            start, end = int(m[1]), min(int(m[2]) if m[2] else last, last)
            numbers += range(max(start, 1), end + 1)
        elif token.isdecimal() and 1 <= int(token) <= last:
            numbers.append(int(token))
    return tuple(dict.fromkeys(numbers))


def describe(agenda: Agenda) -> list[Say]:
    items = remaining(agenda)
    if not items:
        return [Say("I see nothing on the agenda", me="sees nothing on the agenda")]
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    lines = [Say(f"I see {count} remaining on the agenda:",
                 me=f"sees {count} remaining on the agenda:")]
    for i in items:
        line = i.line + (" (skipped)" if i.status == SKIPPED else "")
        lines.append(Say(line, me=line))
    return lines


def describe_next(agenda: Agenda) -> list[Say]:
    """After a close: how many remain and which comes next."""
    items = remaining(agenda)
    if not items:
        return [Say("I see nothing remaining on the agenda",
                    me="sees nothing remaining on the agenda")]
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    return [Say(f"I see {count} remaining on the agenda; the next one is",
                me=f"sees {count} remaining on the agenda; the next one is"),
            Say(items[0].line, me=items[0].line)]


def taken_up(item: Item) -> str:
    return f'agendum {item.number}. "{item.text}" taken up [from {item.proposer}]'


# ---- the plugin ---------------------------------------------------------------------------

_A = r"(?:agenda|agendum|item)"
_THIS = rf"this\s+{_A}"


class AgendaPlugin(Plugin[Agenda]):
    persona = ZAKIM
    name = "agenda"
    State = Agenda

    def _tracked(self, cmd: Command) -> Agenda | None:
        return self._tracked_in(cmd.channel)

    def _tracked_in(self, channel: str) -> Agenda | None:
        agenda = self.channels.get(channel)
        return None if agenda.ignored else agenda

    def _missing(self, cmd: Command, ref: object) -> list[Answer]:
        return [Say(f"I don't see agendum {ref} on the agenda, {cmd.nick}",
                    me=f"does not see agendum {ref} on the agenda")]

    @command(r"agend(?:a|um)\s*\+\s*(?P<text>.+?)(?:\s*\[(?P<proposer>[^\[\]]+)\])?",
             unaddressed=True, help="agenda+ <text> [proposer] *")
    def plus(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        proposer = (cmd.match["proposer"] or cmd.nick).strip()
        agenda, number = add(agenda, cmd.match["text"].strip(), proposer)
        self.channels.put(cmd.channel, agenda)
        return [Say(f"agendum {number} added", me=f"notes agendum {number} added")]

    @command(r"(?:(?:what\s+is|what's)\s+(?:on\s+)?(?:the\s+)?agenda\s*\?"
             r"|(?:list|show)\s+(?:the\s+)?agenda\??|agenda\s*\?)", unaddressed=True,
             help="agenda? *")
    def show_agenda(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        return [] if agenda is None else list(describe(agenda))

    @command(rf"{_A}\s+(?P<n>\d+)\s*=\s*(?P<text>.+)", unaddressed=True,
             help="agendum <n> = <text> *")
    def replace_item(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        number = int(cmd.match["n"])
        if agenda.item(number) is None:
            return self._missing(cmd, number)
        self.channels.put(cmd.channel, _set(agenda, number, text=cmd.match["text"].strip()))
        return [Say(f"agendum {number} replaced", me=f"notes agendum {number} replaced")]

    @command(rf"(?:{_A}\s*-\s*|(?:delete|drop|forget|remove)\s+{_A}\s+)(?P<n>\d+)",
             unaddressed=True, help="agenda- <n> *")
    def minus(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        number = int(cmd.match["n"])
        if agenda.item(number) is None:
            return self._missing(cmd, number)
        self.channels.put(cmd.channel, drop(agenda, number))
        return [Say(f"agendum {number} dropped", me=f"notes agendum {number} dropped")]

    # taking items up

    @command(rf"(?:(?:take\s+up|open)\s+)?next\s+{_A}", unaddressed=True,
             help="next agendum *")
    def next_agendum(self, cmd: Command) -> list[Answer]:
        return self._next(cmd, for_the_record=False)

    @command(rf"move\s+to\s+next\s+{_A}", unaddressed=True, help="move to next agendum *")
    def move_to_next(self, cmd: Command) -> list[Answer]:
        return self._next(cmd, for_the_record=True)

    def _next(self, cmd: Command, *, for_the_record: bool) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        if (agenda.current is not None and agenda.opened_at is not None
                and cmd.event.time - agenda.opened_at < JUST_OPENED):
            n = agenda.current
            return [Say(f"agendum {n} was just opened", me=f"thinks agendum {n} was just opened")]
        if agenda.current is not None:
            agenda = close(agenda, agenda.current)
        following = next_item(agenda)
        if following is None:
            self.channels.put(cmd.channel, agenda)
            return [Say("I see nothing remaining on the agenda",
                        me="sees nothing remaining on the agenda")]
        return self._take_up(cmd, agenda, following, for_the_record=for_the_record)

    @command(rf"(?P<verb>take\s+up|open|move\s+to)\s+{_A}\s+(?P<ref>.+)", unaddressed=True,
             help="take up agendum <n|pattern> *")
    def take_up_item(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        found = find(agenda, cmd.match["ref"])
        if not found:
            return self._missing(cmd, cmd.match["ref"].strip())
        if len(found) > 1:
            numbers = ", ".join(str(i.number) for i in found)
            return [Say(f"'{cmd.match['ref'].strip()}' matches agenda items {numbers}, "
                        f"{cmd.nick}; please be more specific")]
        for_the_record = cmd.match["verb"].lower().startswith("move")
        return self._take_up(cmd, agenda, found[0], for_the_record=for_the_record)

    def _take_up(self, cmd: Command, agenda: Agenda, item: Item, *,
                 for_the_record: bool) -> list[Answer]:
        self.channels.put(cmd.channel, take_up(agenda, item.number, cmd.event.time))
        line = taken_up(item)
        said = Say(line) if for_the_record else Say(line, me=f"thinks {line}")
        return [said, Signal("agendum-taken-up", cmd.channel, (item.number,))]

    # closing, skipping, ordering

    def _named_or_open(self, cmd: Command, agenda: Agenda) -> tuple[int | None, list[Answer]]:
        """``agendum 2`` or ``this agendum``: the item's number, or why there is none."""
        number = int(cmd.match["n"]) if cmd.match["n"] else agenda.current
        if number is None:
            return None, [Say(f"no agendum is open, {cmd.nick}", me="sees no agendum open")]
        if agenda.item(number) is None:
            return None, self._missing(cmd, number)
        return number, []

    @command(rf"(?P<really>really\s+)?close\s+(?:{_A}\s+(?P<n>\d+)|{_THIS})", unaddressed=True,
             help="[really] close agendum <n> | this agendum *")
    def close_item(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        number, problem = self._named_or_open(cmd, agenda)
        if number is None:
            return problem
        if number == agenda.current and agenda.queue_length and not cmd.match["really"]:
            return [Say(f"I see a speaker queue remaining and thus will not close agendum "
                        f"{number}; say 'really close' if you mean it, {cmd.nick}")]
        agenda = close(agenda, number)
        self.channels.put(cmd.channel, agenda)
        return [Say(f"agendum {number} closed", me=f"notes agendum {number} closed"),
                *describe_next(agenda)]

    @command(rf"skip\s+(?:{_A}\s+(?P<n>\d+)|{_THIS})", unaddressed=True,
             help="skip agendum <n> | this agendum *")
    def skip_item(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        number, problem = self._named_or_open(cmd, agenda)
        if number is None:
            return problem
        self.channels.put(cmd.channel, skip(agenda, number))
        return [Say(f"agendum {number} skipped", me=f"notes agendum {number} skipped")]

    @command(r"(?:the\s+)?agenda\s+order(?:\s+is)?\s*:?\s*(?P<spec>\d[\d\s,-]*)",
             unaddressed=True, help="agenda order is <n>, <m>-<k> *")
    def set_order(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        order = parse_order(cmd.match["spec"], agenda.last_number)
        self.channels.put(cmd.channel, replace(agenda, order=order))
        return [Say(f"ok, {cmd.nick}", me="notes agenda order")]

    @command(r"clear\s+(?:the\s+)?agenda", unaddressed=True, help="clear agenda *")
    def clear_agenda(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        self.channels.put(cmd.channel, Agenda(queue_length=agenda.queue_length))
        return [Say("agenda cleared", me="notes agenda cleared")]

    @command(rf"(?:(?:what|which)\s+{_A}(?:\s+(?:is\s+open|is\s+this|are\s+we\s+on))?"
             rf"|current\s+{_A})\s*\?", unaddressed=True, help="what agendum? *")
    def current_item(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        item = agenda.item(agenda.current) if agenda.current is not None else None
        if item is None:
            return [Say("no agendum is open", me="sees no agendum open")]
        return [Say(f"the current agendum is {item.line}",
                    me=f"notes the current agendum is {item.line}")]

    @command(r"(?:give|allow)\s+this\s+(?:(?:agenda\s+)?item|agendum)\s+(?P<m>\d+)\s*"
             r"(?:minutes?|mins?|m)", unaddressed=True, help="give this item <n> minutes *")
    def time_item(self, cmd: Command) -> list[Answer]:
        agenda = self._tracked(cmd)
        if agenda is None:
            return []
        minutes = int(cmd.match["m"])
        if agenda.current is None:
            return [Say(f"no agendum is open, {cmd.nick}", me="sees no agendum open")]
        if not 1 <= minutes <= 24 * 60:
            return [Say(f"{cmd.nick}, give an agendum between 1 minute and 24 hours")]
        timer = ItemTimer(cmd.channel, f"item {agenda.take_ups}",
                          cmd.event.time + timedelta(minutes=minutes), cmd.nick,
                          agenda.current, minutes)
        self.channels.put(cmd.channel, replace(agenda, timer=timer))
        return [Say(f"ok, {cmd.nick}", me=f"notes agendum {agenda.current} has {minutes} minutes"),
                Schedule(cmd.channel, self.name, timer.key, timer.at)]

    @command(r"ignore\s+(?:the\s+)?agenda", help="ignore the agenda")
    def ignore(self, cmd: Command) -> list[Say]:
        self.channels.put(cmd.channel, replace(self.channels.get(cmd.channel), ignored=True))
        return [Say(f"ok, {cmd.nick}; I will ignore the agenda")]

    @command(r"track\s+(?:the\s+)?agenda", help="track the agenda")
    def track(self, cmd: Command) -> list[Say]:
        self.channels.put(cmd.channel, replace(self.channels.get(cmd.channel), ignored=False))
        return [Say(f"ok, {cmd.nick}; I will track the agenda")]

    # what other plugins and the clock tell us

    def on_signal(self, signal: Signal, event: Event) -> None:
        if signal.name == "queue-length":
            self.channels.put(signal.channel, replace(self.channels.get(signal.channel),
                                                      queue_length=signal.data[0]))
        elif signal.name == "agenda-loaded":  # gb read an agenda: data is (asker, *items)
            agenda = self._tracked_in(signal.channel)
            if agenda is None:
                return
            asker, *texts = signal.data
            agenda = Agenda(queue_length=agenda.queue_length)
            for text in texts:
                agenda, _ = add(agenda, text, asker)
            self.channels.put(signal.channel, agenda)

    def on_timer(self, event: Event) -> list[Say]:
        agenda = self.channels.get(event.channel)
        timer = agenda.timer
        if timer is None or timer.key != event.text or agenda.current != timer.number:
            return []  # the agendum was closed or another taken up: the reminder is void
        self.channels.put(event.channel, replace(agenda, timer=None))
        return [Say(f"{timer.asker}, the {timer.minutes} minute{'s' if timer.minutes != 1 else ''}"
                    f" you gave agendum {timer.number} are up")]

    def pending(self) -> list[Schedule]:
        return [Schedule(a.timer.channel, self.name, a.timer.key, a.timer.at)
                for a in self.channels.values() if a.timer is not None]

