"""Zakim's questions: ``question+``, ``questions?``, ``list all questions``, ``question N++``/
``--``, ``drop``/``close question N`` and ``clear questions``.

Each question counts its supporters (the asker first); listings put the best supported first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.effects import Say
from bot.core.names import ZAKIM, fold
from bot.core.plugin import Command, Plugin, command


@dataclass(frozen=True, slots=True)
class Question:
    number: int
    text: str
    supporters: tuple[str, ...]  # folded nicks, in the order they joined
    dropped: bool = False

    def line(self) -> str:
        n = len(self.supporters)
        shown = f"Q{self.number}: {self.text} ({n} supporter{'s' if n != 1 else ''})"
        return shown + (" - dropped" if self.dropped else "")


@dataclass(frozen=True, slots=True)
class Questions:
    items: tuple[Question, ...] = ()
    last_number: int = 0

    def get(self, number: int) -> Question | None:
        return next((q for q in self.items if q.number == number), None)


def ask(questions: Questions, text: str, nick: str) -> tuple[Questions, int]:
    number = questions.last_number + 1
    item = Question(number, text, (fold(nick),))
    return replace(questions, items=(*questions.items, item), last_number=number), number


def support(questions: Questions, number: int, nick: str, *, more: bool) -> Questions:
    """``++`` adds ``nick`` to the supporters (once); ``--`` takes them off."""
    def change(q: Question) -> Question:
        others = tuple(s for s in q.supporters if s != fold(nick))
        return replace(q, supporters=(*others, fold(nick)) if more else others)

    return replace(questions, items=tuple(
        change(q) if q.number == number else q for q in questions.items))


def drop(questions: Questions, number: int) -> Questions:
    return replace(questions, items=tuple(
        replace(q, dropped=True) if q.number == number else q for q in questions.items))


def listing(questions: Questions, *, everything: bool) -> list[Say]:
    """Most supported first (ties by number); dropped ones only in ``list all``."""
    shown = [q for q in questions.items if everything or not q.dropped]
    if not everything:
        shown.sort(key=lambda q: (-len(q.supporters), q.number))
    if not shown:
        return [Say("I see no questions", me="sees no questions")]
    count = f"{len(shown)} question{'s' if len(shown) != 1 else ''}"
    head = count if everything else f"{count} remaining"
    return [Say(f"I see {head}:", me=f"sees {head}:"),
            *(Say(q.line(), me=q.line()) for q in shown)]


_QUESTION = r"(?:question|quest|ques)"


class QuestionsPlugin(Plugin[Questions]):
    persona = ZAKIM
    name = "questions"
    State = Questions

    def _missing(self, cmd: Command, number: int) -> list[Say]:
        return [Say(f"I don't see question {number}, {cmd.nick}",
                    me=f"does not see question {number}")]

    @command(rf"{_QUESTION}\s*(?:\+\+?\s*(?P<a>\d+)|\s+(?P<b>\d+)\s*\+\+?)", unaddressed=True,
             help="question <n>++ *")
    def support_question(self, cmd: Command) -> list[Say]:
        return self._support(cmd, int(cmd.match["a"] or cmd.match["b"]), more=True)

    @command(rf"{_QUESTION}\s*(?:--?\s*(?P<a>\d+)|\s+(?P<b>\d+)\s*--?)", unaddressed=True,
             help="question <n>-- *")
    def unsupport_question(self, cmd: Command) -> list[Say]:
        return self._support(cmd, int(cmd.match["a"] or cmd.match["b"]), more=False)

    def _support(self, cmd: Command, number: int, *, more: bool) -> list[Say]:
        questions = self.channels.get(cmd.channel)
        if questions.get(number) is None:
            return self._missing(cmd, number)
        self.channels.put(cmd.channel, support(questions, number, cmd.nick, more=more))
        return [Say(f"ok, {cmd.nick}", me=f"ok, {cmd.nick}")]

    @command(rf"{_QUESTION}\s*\+\s*(?P<text>.+)", unaddressed=True, help="question+ <text> *")
    def add_question(self, cmd: Command) -> list[Say]:
        questions, number = ask(self.channels.get(cmd.channel), cmd.match["text"].strip(), cmd.nick)
        self.channels.put(cmd.channel, questions)
        return [Say(f"question {number} added", me=f"notes question {number} added")]

    @command(r"(?:(?:list|show)\s+(?:the\s+)?questions|questions\s*\?)", unaddressed=True,
             help="questions? *")
    def show_questions(self, cmd: Command) -> list[Say]:
        return listing(self.channels.get(cmd.channel), everything=False)

    @command(r"(?:list|show)\s+all\s+(?:the\s+)?questions", unaddressed=True,
             help="list all questions *")
    def show_all_questions(self, cmd: Command) -> list[Say]:
        return listing(self.channels.get(cmd.channel), everything=True)

    @command(rf"(?:drop|close)\s+{_QUESTION}\s+(?P<n>\d+)", unaddressed=True,
             help="drop question <n> *")
    def drop_question(self, cmd: Command) -> list[Say]:
        questions, number = self.channels.get(cmd.channel), int(cmd.match["n"])
        question = questions.get(number)
        if question is None:
            return self._missing(cmd, number)
        self.channels.put(cmd.channel, drop(questions, number))
        said = f"question {number}, {question.text}, dropped"
        return [Say(said, me=f"notes {said}")]

    @command(r"clear\s+(?:the\s+)?questions", unaddressed=True, help="clear questions *")
    def clear_questions(self, cmd: Command) -> list[Say]:
        self.channels.forget(cmd.channel)
        return [Say("questions cleared", me="notes questions cleared")]

