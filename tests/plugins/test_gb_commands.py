"""gb's command grammar (W3C's GitHub bot, and AgendaBot's ``agenda: <url>``), form by form
as in the gb and AgendaBot manuals, through the router.

The tables follow ``test_zakim_commands``: a short script and what the router gives back for
its last step. A script step is a channel line ``(nick, text)`` or an ``Answered`` result: the
shell's answer to the oldest ``Ask`` not answered yet, dispatched as an ``answer`` event the
way the shell stores it (``bot.outside.asker.answer_text``). Effects are written as follows:

- ``"text"``: a line gb says, ``"* text"`` as /me;
- ``"zakim: text"``, ``"rrsagent: text"``: a line another persona says;
- a tuple: an ``Ask`` of the GitHub or AgendaBot plugin, by its request, e.g.
  ``("issue", "w3c/aria", "15")``;
- ``KEPT``: gb remembered its settings (``Remember`` of ``github.state``);
- ``"leave gb"``: gb leaves the channel.

Lines are 90 seconds apart, answers come one second after what they answer, and the meeting
is on Thursday 7 March 2024 (so an action is due on Thursday 14 March by default).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from bot.plugins import load_plugins
from bot.plugins.github import Channel, GitHubPlugin

from bot.core.effects import Ask, Effect, Leave, Remember, Reply
from bot.core.events import Event, Kind
from bot.core.names import GB, RRSAGENT, ZAKIM
from bot.core.plugin import Settings
from bot.core.references import describe
from bot.core.router import Router
from bot.outside.asker import answer_text
from tests.support.scripted import CHANNEL, GAP, START

GH = "https://github.com"
ARIA = f"{GH}/w3c/aria"
KEPT = "(remembered)"
BODY = "Opened by joe via IRC channel #wg on net"
DUE_IN_A_WEEK = f"{BODY}\n\nDue: 2024-03-14 (Thursday 14 March)"


@dataclass(frozen=True)
class Answered:
    """The outside world's answer to the oldest ``Ask`` still waiting for one."""

    status: str
    data: Any = None
    detail: str = ""

    def result(self) -> dict[str, Any]:
        return {"status": self.status, "detail": self.detail, "data": self.data}


def ok(data: Any) -> Answered:
    return Answered("ok", data)


def failed(status: str, detail: str = "") -> Answered:
    return Answered(status, None, detail)


def issue(number: int, title: str, repo: str = "w3c/aria", **more: Any) -> dict[str, Any]:
    """An issue summary as ``bot.outside.github.summary`` gives it."""
    return {"number": number, "title": title, "state": "open", "kind": "issue",
            "merged": False, "author": "anssiko", "labels": [], "assignees": [],
            "html_url": f"{GH}/{repo}/issues/{number}", "body": "", **more}


Step = tuple[str, str] | Answered


def make_gb(*, writes: bool = True, gb_nick: str = "gb", **settings: Any) -> Router:
    nicks = {ZAKIM: "Zakim", RRSAGENT: "RRSAgent", GB: gb_nick}
    settings = {"github_url": GH, "gb_delay": 15, **settings}
    config = Settings(nicks=nicks, github_writes=writes, **settings)
    return Router(config, load_plugins(config))


@dataclass
class Session:
    """A router, the events it was given (for replay) and the Asks still unanswered."""

    router: Router
    when: datetime = START
    events: list[Event] = field(default_factory=list)
    waiting: list[Ask] = field(default_factory=list)

    def step(self, step: Step) -> list[Effect]:
        if isinstance(step, Answered):
            ask = self.waiting.pop(0)
            self.when += timedelta(seconds=1)
            event = Event(self.when, "net", CHANNEL, Kind.ANSWER, ask.owner,
                          answer_text(ask.key, ask.request, step.result()))
        else:
            nick, text = step
            self.when += timedelta(seconds=GAP)
            kind = Kind.ACTION if text.startswith("/me ") else Kind.MESSAGE
            event = Event(self.when, "net", CHANNEL, kind, nick, text.removeprefix("/me "))
        self.events.append(event)
        effects = self.router.dispatch(event)
        self.waiting += [e for e in effects if isinstance(e, Ask)]
        return effects

    def play(self, script: list[Step]) -> list[list[Effect]]:
        return [self.step(s) for s in script]


def render(effects: list[Effect]) -> list[object]:
    out: list[object] = []
    for e in effects:
        if isinstance(e, Reply):
            who = "" if e.persona == GB else f"{e.persona}: "
            out.append(who + ("* " if e.action else "") + e.text)
        elif isinstance(e, Ask):
            assert e.owner in ("github", "agendabot"), e
            out.append(e.request)
        elif isinstance(e, Remember):
            assert e.key == "github.state", e
            out.append(KEPT)
        elif isinstance(e, Leave):
            out.append(f"leave {e.persona}")
        else:
            out.append(e)
    return out


def last(script: list[Step], **settings: Any) -> list[object]:
    return render(Session(make_gb(**settings)).play(script)[-1])


def gb_state(router: Router) -> GitHubPlugin:
    return next(p for p in router.plugins if isinstance(p, GitHubPlugin))


USE = [("joe", "gb, use w3c/aria")]
USE2 = [("joe", "gb, use w3c/aria, scribe2")]  # w3c/aria on top
STATUS = ("joe", "gb, status")
FRESH = "Delay is 15 lines, issues are on, names are on"


def status(rest: str, using: str = "I'm using https://github.com/w3c/aria") -> str:
    return f"{rest} and {using}"


def lookup(number: int, repo: str = "w3c/aria") -> tuple[str, ...]:
    return ("issue", repo, str(number))


def create(title: str, body: str = BODY, labels: str = "", assignees: str = "",
           repo: str = "w3c/aria") -> tuple[str, ...]:
    return ("create", repo, title, body, labels, assignees)


def action(title: str, assignees: str, due: str = "2024-03-14 (Thursday 14 March)"
           ) -> tuple[str, ...]:
    return create(title, f"{BODY}\n\nDue: {due}", "action", assignees)


CASES: list[tuple[str, list[Step], list[object]]] = [
    # ---- which repositories: use and its synonyms ---------------------------------------------
    ("use-org-repo", USE, [f"OK, I'm using {ARIA}", KEPT]),
    *[(f"{verb.replace(' ', '-')}-org-repo", [("joe", f"gb, {verb} w3c/aria")],
       [f"OK, I'm using {ARIA}", KEPT])
      for verb in ("discussing", "discuss", "using", "take up", "taking up", "this will be",
                   "this is")],
    ("use-case-insensitive", [("joe", "gb, USE W3c/Scribe2")],
     [f"OK, I'm using {GH}/W3c/Scribe2", KEPT]),
    ("discussing-full-url", [("joe", "gb, discussing https://github.com/xxx/yyy")],
     [f"OK, I'm using {GH}/xxx/yyy", KEPT]),
    ("use-url-with-.git", [("joe", "gb, use https://github.com/w3c/aria.git")],
     [f"OK, I'm using {ARIA}", KEPT]),
    ("use-url-with-slash", [("joe", "gb, use https://github.com/w3c/aria/")],
     [f"OK, I'm using {ARIA}", KEPT]),
    ("use-list-inherits-owner", [("joe", "gb, discussing xxx/yyy, zzz")],
     [f"OK, I'm using {GH}/xxx/yyy, {GH}/xxx/zzz", KEPT]),
    ("use-list-with-and", [("joe", "gb, use w3c/aria and webnn")],
     [f"OK, I'm using {ARIA}, {GH}/w3c/webnn", KEPT]),
    ("use-list-owner-of-last-named", [("joe", "gb, use a/b, c, d/e f")],
     [f"OK, I'm using {GH}/a/b, {GH}/a/c, {GH}/d/e, {GH}/d/f", KEPT]),
    ("use-bare-names-take-top-owner", [*USE, ("joe", "gb, discussing yyy, zzz")],
     [f"OK, I'm using {GH}/w3c/yyy, {GH}/w3c/zzz, {ARIA}", KEPT]),
    ("use-again-moves-to-top", [*USE2, ("joe", "gb, use scribe2")],
     [f"OK, I'm using {GH}/w3c/scribe2, {ARIA}", KEPT]),
    ("use-adds-on-top", [*USE, ("joe", "gb, use w3c/webnn")],
     [f"OK, I'm using {GH}/w3c/webnn, {ARIA}", KEPT]),
    ("use-bare-name-without-owner", [("joe", "gb, use aria")],
     ["joe, I don't see a repository there: say e.g. use w3c/aria"]),
    ("use-not-a-name", [*USE, ("joe", "gb, use w3c/aria!")],
     ["joe, I don't see a repository there: say e.g. use w3c/aria"]),
    ("use-needs-addressing", [("joe", "use w3c/aria")], []),
    ("repo:", [("joe", "repo: xxx/yyy, zzz")],
     [f"OK, I'm using {GH}/xxx/yyy, {GH}/xxx/zzz", KEPT]),
    ("repos:", [("joe", "repos: https://github.com/w3c/csswg-drafts")],
     [f"OK, I'm using {GH}/w3c/csswg-drafts", KEPT]),
    ("repository:", [*USE, ("joe", "Repository: webnn")],
     [f"OK, I'm using {GH}/w3c/webnn, {ARIA}", KEPT]),
    ("repositories:", [("joe", "repositories:w3c/aria")], [f"OK, I'm using {ARIA}", KEPT]),
    ("repo:-in-/me", [("joe", "/me repo: w3c/aria")], [f"OK, I'm using {ARIA}", KEPT]),
    ("repo:-empty-clears", [*USE2, ("joe", "repo:")], ["OK, I'm not using any repository", KEPT]),
    ("repo:-empty-cleared", [*USE2, ("joe", "repo:  "), STATUS],
     [status(FRESH, "I'm not using any repository")]),
    ("repo:-not-a-name", [("joe", "repo: see the wiki!")],
     ["joe, I don't see a repository there: say e.g. use w3c/aria"]),
    ("repo-", [*USE2, ("joe", "repo- w3c/aria")], [f"OK, I'm using {GH}/w3c/scribe2", KEPT]),
    ("repos-several", [*USE2, ("joe", "repos- w3c/aria, scribe2")],
     ["OK, I'm not using any repository", KEPT]),
    *[(f"{verb.replace(' ', '-')}-repo", [*USE2, ("joe", f"gb, {verb} w3c/scribe2")],
       [f"OK, I'm using {ARIA}", KEPT])
      for verb in ("drop", "forget", "remove", "don't use", "do not use")],
    ("drop-bare-name", [*USE2, ("joe", "gb, drop scribe2")], [f"OK, I'm using {ARIA}", KEPT]),
    ("drop-url", [*USE2, ("joe", "gb, drop https://github.com/w3c/aria")],
     [f"OK, I'm using {GH}/w3c/scribe2", KEPT]),
    ("drop-case-insensitive", [*USE2, ("joe", "gb, drop W3C/ARIA")],
     [f"OK, I'm using {GH}/w3c/scribe2", KEPT]),
    ("drop-the-last", [*USE, ("joe", "gb, drop w3c/aria")],
     ["OK, I'm not using any repository", KEPT]),
    ("drop-unknown-keeps-all", [*USE, ("joe", "gb, forget w3c/webnn")],
     [f"OK, I'm using {ARIA}", KEPT]),
    # ---- status ------------------------------------------------------------------------------
    ("status-fresh", [STATUS], [status(FRESH, "I'm not using any repository")]),
    ("status?", [*USE, ("joe", "gb, status?")], [status(FRESH)]),
    ("status-two-repos", [*USE2, STATUS],
     [status(FRESH, f"I'm using {ARIA}, {GH}/w3c/scribe2")]),
    ("status-off", [*USE, ("joe", "gb, off"), STATUS],
     [status(f"{FRESH}, I'm off (address me to look things up)")]),
    ("status-issues-off", [*USE, ("joe", "gb, issues off"), STATUS],
     [status("Delay is 15 lines, issues are off, names are on")]),
    ("status-names-off", [*USE, ("joe", "gb, names off"), STATUS],
     [status("Delay is 15 lines, issues are on, names are off")]),
    ("status-delay", [*USE, ("joe", "gb, delay 20"), STATUS],
     [status("Delay is 20 lines, issues are on, names are on")]),
    ("status-ignoring", [*USE, ("joe", "gb, ignore RRSAgent, Zakim"), STATUS],
     [status(f"{FRESH}, I ignore rrsagent, zakim")]),
    ("status-everything", [*USE, ("joe", "gb, ignore RRSAgent"), ("joe", "gb, names off"),
                           ("joe", "gb, issues off"), ("joe", "gb, delay 20"),
                           ("joe", "gb, off"), STATUS],
     [status("Delay is 20 lines, issues are off, names are off, I'm off (address me to look "
             "things up), I ignore rrsagent")]),
    ("status-on-again", [*USE, ("joe", "gb, off"), ("joe", "gb, on"), STATUS], [status(FRESH)]),
    # ---- on/off, names, issues -------------------------------------------------------------
    ("off", [("joe", "gb, off")], ["OK, joe, I'm off", KEPT]),
    ("on", [("joe", "gb, OFF"), ("joe", "gb, on")], ["OK, joe, I'm on", KEPT]),
    ("off-needs-addressing", [("joe", "off")], []),
    *[(f"{form.replace(' ', '-')}", [("joe", f"gb, {form}")],
       [f"OK, {shown} are {value}", KEPT])
      for form, shown, value in [
          ("names off", "names", "off"), ("names on", "names", "on"),
          ("set names to off", "names", "off"), ("names = off", "names", "off"),
          ("names=no", "names", "off"), ("names false", "names", "off"),
          ("names yes", "names", "on"), ("set names to true", "names", "on"),
          ("persons off", "names", "off"), ("set teams to no", "names", "off"),
          ("teams = yes", "names", "on"), ("issues off", "issues", "off"),
          ("set issues to off", "issues", "off"), ("issues = no", "issues", "off"),
          ("issues false", "issues", "off"), ("issues on", "issues", "on"),
          ("set issues to yes", "issues", "on"), ("issues=true", "issues", "on"),
          ("ISSUES OFF", "issues", "off")]],
    # ---- delay -------------------------------------------------------------------------------
    ("delay-20", [("joe", "gb, delay 20")], ["OK, delay is 20 lines", KEPT]),
    ("set-delay-to-20", [("joe", "gb, set delay to 20")], ["OK, delay is 20 lines", KEPT]),
    ("delay-=-20", [("joe", "gb, delay = 20")], ["OK, delay is 20 lines", KEPT]),
    ("delay=20", [("joe", "gb, delay=20")], ["OK, delay is 20 lines", KEPT]),
    ("delay-0", [("joe", "gb, delay 0")], ["OK, delay is 0 lines", KEPT]),
    ("delay-1000", [("joe", "gb, delay 1000")], ["OK, delay is 1000 lines", KEPT]),
    ("delay-too-long", [("joe", "gb, delay 1001")],
     ["joe, the delay must be at most 1000 lines"]),
    ("delay-too-long-unchanged", [("joe", "gb, delay 1001"), STATUS],
     [status(FRESH, "I'm not using any repository")]),
    ("delay-negative", [("joe", "gb, delay -3")],
     ["I don't understand 'delay -3', joe. Try /msg gb help"]),
    # ---- ignoring nicks ----------------------------------------------------------------------
    ("ignore", [("joe", "gb, ignore RRSAgent, Zakim")],
     ["OK, joe, ignoring rrsagent, zakim", KEPT]),
    ("ignore-spaces-and", [("joe", "gb, ignore a b and c")], ["OK, joe, ignoring a, b, c", KEPT]),
    ("ignore-twice-once", [("joe", "gb, ignore bob"), ("joe", "gb, ignore BOB, amy")],
     ["OK, joe, ignoring bob, amy", KEPT]),
    ("ignore-folds-rfc1459", [("joe", "gb, ignore Bob[1]")], ["OK, joe, ignoring bob{1}", KEPT]),
    ("don't-ignore", [("joe", "gb, ignore RRSAgent, Zakim"), ("joe", "gb, don't ignore zakim")],
     ["OK, joe", KEPT]),
    ("don't-ignore-status", [*USE, ("joe", "gb, ignore RRSAgent, Zakim"),
                             ("joe", "gb, don't ignore ZAKIM"), STATUS],
     [status(f"{FRESH}, I ignore rrsagent")]),
    ("do-not-ignore-all", [*USE, ("joe", "gb, ignore a, b"), ("joe", "gb, do not ignore b and a"),
                           STATUS], [status(FRESH)]),
    ("ignored-nick-references", [*USE, ("joe", "gb, ignore bob"), ("bob", "see #5")], []),
    ("ignored-nick-names", [*USE, ("joe", "gb, ignore bob"), ("bob", "ask @carol")], []),
    ("ignored-nick-folded", [*USE, ("joe", "gb, ignore Bob[1]"), ("bob{1}", "see #5")], []),
    ("ignored-nick-addressed", [*USE, ("joe", "gb, ignore bob"), ("bob", "gb, #5?")],
     [lookup(5)]),
    ("others-not-ignored", [*USE, ("joe", "gb, ignore bob"), ("amy", "see #5")], [lookup(5)]),
    # ---- aliases -----------------------------------------------------------------------------
    ("alias-=", [("joe", "gb, Eve = eve78")], [f"OK, Eve is {GH}/eve78", KEPT]),
    ("alias-is", [("joe", "gb, dayan is dcslobo")], [f"OK, dayan is {GH}/dcslobo", KEPT]),
    ("alias-=-@", [("joe", "gb, Eve = @eve78")], [f"OK, Eve is {GH}/eve78", KEPT]),
    ("alias-no-spaces", [("joe", "gb, Eve=eve78")], [f"OK, Eve is {GH}/eve78", KEPT]),
    ("alias-used-by-action", [*USE, ("joe", "gb, Eve = @eve78"), ("joe", "action EVE: send mail")],
     [action("send mail", "eve78")]),
    ("alias-is-used-by-action", [*USE, ("joe", "gb, dayan is dcslobo"),
                                 ("joe", "action: dayan and bob to send mail")],
     ["rrsagent: ACTION: dayan and bob to send mail [1]",
      "rrsagent: recorded in http://localhost:8000/2024/03/07-wg-irc#T15-04-30",
      action("send mail", "dcslobo,bob")]),
    # ---- the account ---------------------------------------------------------------------------
    *[(f"{form.replace(' ', '-')}", [("joe", f"gb, {form}")], [("account",)])
      for form in ("who are you?", "who are you", "account", "user", "login", "login?")],
    ("account-answer", [("joe", "gb, who are you?"), ok({"login": "joe-bot"})],
     ["I am using GitHub account joe-bot"]),
    ("account-failure", [("joe", "gb, account"), failed("forbidden", "Bad credentials")],
     ["I could not ask GitHub which account I use: Bad credentials"]),
    ("account-timeout", [("joe", "gb, account"), failed("timeout")],
     ["I could not ask GitHub which account I use: timeout"]),
    # ---- find agenda ---------------------------------------------------------------------------
    ("find-agenda-no-repo", [("joe", "gb, find agenda")],
     ["joe, I know no repository to look in: say 'use org/repo', or give me the agenda's URL "
      "with 'agenda: <url>'"]),
    *[(f"{form.replace(' ', '-')}", [*USE, ("joe", f"gb, {form}")],
       [("issues", "w3c/aria", "open", "agenda+")])
      for form in ("find agenda", "search for the agenda", "find agenda since 3 weeks",
                   "please, find the agenda.", "look for an agenda", "get agenda")],
    ("find-agenda-top-repo", [*USE, ("joe", "gb, use webnn"), ("joe", "gb, find agenda")],
     [("issues", "w3c/webnn", "open", "agenda+")]),
    ("find-agenda-answer", [*USE, ("joe", "gb, find agenda"),
                            ok([issue(3, "Second"), issue(2, "First")])],
     ["clear agenda", f"agenda+ First -> {ARIA}/issues/2", f"agenda+ Second -> {ARIA}/issues/3"]),
    ("find-agenda-then-zakim", [*USE, ("joe", "gb, find agenda"),
                                ok([issue(3, "Second"), issue(2, "First")]),
                                ("amy", "Zakim, agenda?")],
     ["zakim: I see 2 items remaining on the agenda:",
      f"zakim: 1. First -> {ARIA}/issues/2 [from joe]",
      f"zakim: 2. Second -> {ARIA}/issues/3 [from joe]"]),
    ("find-agenda-replaces-agenda", [*USE, ("amy", "agenda+ old item"),
                                     ("joe", "gb, find agenda"), ok([issue(2, "First")]),
                                     ("amy", "agenda?")],
     ["zakim: * sees 1 item remaining on the agenda:",
      f"zakim: * 1. First -> {ARIA}/issues/2 [from joe]"]),
    ("find-agenda-none", [*USE, ("joe", "gb, find agenda"), ok([])],
     [f"joe, I found no open issue labelled agenda+ in {ARIA}"]),
    ("find-agenda-failure", [*USE, ("joe", "gb, find agenda"), failed("timeout", "timed out")],
     ["Sorry, joe, I could not list the issues of w3c/aria: timed out"]),
    # ---- Issue: --------------------------------------------------------------------------------
    ("issue:", [*USE, ("joe", "Issue: is the default 1 or 0?")],
     [create("is the default 1 or 0?")]),
    ("issue:-case", [*USE, ("joe", "ISSUE:Foo is undefined")], [create("Foo is undefined")]),
    ("issue:-addressed", [*USE, ("joe", "gb, issue: Foo is undefined")],
     [create("Foo is undefined")]),
    ("issue:-top-repo", [*USE2, ("joe", "gb, use scribe2"), ("joe", "issue: x")],
     [create("x", repo="w3c/scribe2")]),
    ("issue:-cleaned", [*USE, ("joe", "Issue: see  [the spec](https://x.org/)  now")],
     [create("see the spec now")]),
    ("issue:-no-repo", [("joe", "Issue: is the default 1 or 0?")], []),
    ("issue:-ignored-nick", [*USE, ("joe", "gb, ignore rrsagent"),
                             ("RRSAgent", "Issue: is the default 1 or 0?")], []),
    ("issue:-created", [*USE, ("joe", "Issue: is the default 1 or 0?"),
                        ok(issue(17, "is the default 1 or 0?", author="joe-bot"))],
     [f"Created -> {ARIA}/issues/17 Issue 17 is the default 1 or 0? (by joe-bot)"]),
    ("issue:-failed", [*USE, ("joe", "Issue: x"), failed("forbidden", "Must have push access")],
     ["Sorry, joe, I could not create an issue in w3c/aria: Must have push access"]),
    ("issue:-failed-no-detail", [*USE, ("joe", "Issue: x"), failed("rate-limited")],
     ["Sorry, joe, I could not create an issue in w3c/aria: rate-limited"]),
    # ---- action --------------------------------------------------------------------------------
    ("action-who:", [*USE, ("joe", "action alex: review chapter 1")],
     [action("review chapter 1", "alex")]),
    ("action:-who-to", [*USE, ("joe", "action: alex to review chapter 1")],
     ["rrsagent: ACTION: alex to review chapter 1 [1]",
      "rrsagent: recorded in http://localhost:8000/2024/03/07-wg-irc#T15-03-00",
      action("review chapter 1", "alex")]),
    ("action:-who:", [*USE, ("joe", "action: alex: review chapter 1")],
     ["rrsagent: ACTION: alex: review chapter 1 [1]",
      "rrsagent: recorded in http://localhost:8000/2024/03/07-wg-irc#T15-03-00",
      action("review chapter 1", "alex")]),
    ("action-several-commas", [*USE, ("jope", "action alex, kylie, coen: review chapter 1")],
     [create("review chapter 1", f"{DUE_IN_A_WEEK.replace('joe', 'jope')}", "action",
             "alex,kylie,coen")]),
    ("action-several-and", [*USE, ("joe", "gb, action: alex, kylie and coen to review chapter 1")],
     [action("review chapter 1", "alex,kylie,coen")]),
    ("action-@login", [*USE, ("joe", "action @alex: review chapter 1")],
     [action("review chapter 1", "alex")]),
    ("action-alias-and-@", [*USE, ("joe", "gb, Eve = eve78"),
                            ("joe", "action alex, @kylie and eve: review chapter 1")],
     [action("review chapter 1", "alex,kylie,eve78")]),
    ("action-due-in-2-weeks", [*USE, ("joe", "action alex: review chapter 1 - due in 2 weeks")],
     [action("review chapter 1", "alex", "2024-03-21 (Thursday 21 March)")]),
    ("action-due-3-june", [*USE, ("joe", "action alex: review chapter 1 due 3 June")],
     [action("review chapter 1", "alex", "2024-06-03 (Monday 3 June)")]),
    ("action-due-by-weekday", [*USE, ("joe", "action alex: review chapter 1 - due by Friday")],
     [action("review chapter 1", "alex", "2024-03-08 (Friday 8 March)")]),
    ("action-due-on-iso", [*USE, ("joe", "action alex: review chapter 1 - Due on 2024-04-01")],
     [action("review chapter 1", "alex", "2024-04-01 (Monday 1 April)")]),
    ("action-due-not-a-date", [*USE, ("joe", "action alex: review chapter 1 - due whenever")],
     [action("review chapter 1 - due whenever", "alex")]),
    ("action-due-in-words", [*USE, ("joe", "action alex: check what is due")],
     [action("check what is due", "alex")]),
    ("action-cleaned", [*USE, ("joe", "action alex: read  [this](https://x.org/)")],
     [action("read this", "alex")]),
    ("action-no-repo", [("joe", "action alex: review chapter 1")], []),
    ("action-ignored-nick", [*USE, ("joe", "gb, ignore bob"), ("bob", "action alex: review")],
     []),
    ("action-created", [*USE, ("joe", "action alex, kylie: review chapter 1"),
                        ok(issue(18, "review chapter 1", labels=["action"],
                                 assignees=["alex", "kylie"]))],
     [f"Created -> {ARIA}/issues/18 Action 18 review chapter 1 (on alex, kylie)"]),
    ("action-failed", [*USE, ("joe", "action alex: review"), failed("not-found", "Not Found")],
     ["Sorry, joe, I could not create an issue in w3c/aria: Not Found"]),
    # ---- close, reopen -------------------------------------------------------------------------
    ("close-#N", [*USE, ("joe", "close #15")], [("state", "w3c/aria", "15", "closed")]),
    ("close-case", [*USE, ("joe", "Close #15")], [("state", "w3c/aria", "15", "closed")]),
    ("close-addressed", [*USE, ("joe", "gb, close #15")], [("state", "w3c/aria", "15", "closed")]),
    ("reopen-repo#N", [*USE, ("joe", "gb, use w3c/webnn"), ("joe", "reopen aria#15")],
     [("state", "w3c/aria", "15", "open")]),
    ("close-org/repo#N", [("joe", "close w3c/aria#17")], [("state", "w3c/aria", "17", "closed")]),
    ("close-url", [*USE, ("joe", "close https://github.com/w3c/scribe2/issues/15")],
     [("state", "w3c/scribe2", "15", "closed")]),
    ("reopen-pull-url", [("joe", "reopen https://github.com/w3c/scribe2/pull/9")],
     [("state", "w3c/scribe2", "9", "open")]),
    ("close-no-repo", [("joe", "close #15")], []),
    ("close-ignored-nick", [*USE, ("joe", "gb, ignore bob"), ("bob", "close #15")], []),
    ("close-in-a-sentence", [*USE, ("joe", "we should close #15 soon")], [lookup(15)]),
    ("closed", [*USE, ("joe", "close #15"),
                ok(issue(15, "help topics", state="closed", author="pc"))],
     [f"Closed -> {ARIA}/issues/15 CLOSED Issue 15 help topics (by pc)"]),
    ("reopened", [*USE, ("joe", "reopen #15"), ok(issue(15, "help topics", author="pc"))],
     [f"Reopened -> {ARIA}/issues/15 Issue 15 help topics (by pc)"]),
    ("close-failed", [*USE, ("joe", "close #15"), failed("forbidden", "Must have admin rights")],
     ["Sorry, joe, I could not close w3c/aria#15: Must have admin rights"]),
    ("reopen-failed", [*USE, ("joe", "reopen #15"), failed("timeout")],
     ["Sorry, joe, I could not reopen w3c/aria#15: timeout"]),
    # ---- note, comment -------------------------------------------------------------------------
    ("note-#N:", [*USE, ("joe", "note #17: Also related to http://example.org")],
     [("comment", "w3c/aria", "17", "Also related to http://example.org")]),
    ("note-without-colon", [*USE, ("joe", "Note #17 This needs work")],
     [("comment", "w3c/aria", "17", "This needs work")]),
    ("comment-repo#N:", [*USE, ("joe", "Comment aria#17: Great comment!")],
     [("comment", "w3c/aria", "17", "Great comment!")]),
    ("repo#N-note:", [*USE, ("joe", "aria#17 note: discussed on 2024-04-25")],
     [("comment", "w3c/aria", "17", "discussed on 2024-04-25")]),
    ("repo#N-comment:-holds-a-ref", [*USE, ("joe", "aria#17 comment: See also aria#18.")],
     [("comment", "w3c/aria", "17", "See also aria#18.")]),
    ("comment-url:", [("joe", "comment https://github.com/w3c/scribe2/issues/15: Agreed.")],
     [("comment", "w3c/scribe2", "15", "Agreed.")]),
    ("note-ignored-nick", [*USE, ("joe", "gb, ignore bob"), ("bob", "note #17: x")], []),
    ("comment-added", [*USE, ("joe", "note #17: x"),
                       ok(issue(17, "t", html_url=f"{ARIA}/issues/17#issuecomment-1"))],
     [f"Added a comment -> {ARIA}/issues/17#issuecomment-1"]),
    ("comment-failed", [*USE, ("joe", "note #17: x"), failed("not-found", "Not Found")],
     ["Sorry, joe, I could not comment on w3c/aria#17: Not Found"]),
    # ---- references in plain lines -------------------------------------------------------------
    ("ref-#N", [*USE, ("joe", "our tracker #240 shows green")], [lookup(240)]),
    ("ref-#N-answer", [*USE, ("joe", "our tracker #240 shows green"),
                       ok(issue(240, "CR readiness", labels=["process"]))],
     [f"{ARIA}/issues/240 -> Issue 240 CR readiness (by anssiko) [process]"]),
    ("ref-#N-no-repo", [("joe", "our tracker #240 shows green")], []),
    ("ref-org/repo#N-no-repo", [("joe", "Let's talk about foo/bar#13.")],
     [lookup(13, "foo/bar")]),
    ("ref-#N-most-recent-repo", [*USE, ("joe", "gb, use w3c/webnn"), ("joe", "see #7")],
     [lookup(7, "w3c/webnn")]),
    ("ref-repo#N-by-name", [*USE2, ("joe", "Let's talk about scribe2#13.")],
     [lookup(13, "w3c/scribe2")]),
    ("ref-repo#N-by-prefix", [*USE2, ("joe", "see sc#13")], [lookup(13, "w3c/scribe2")]),
    ("ref-repo#N-by-suffix", [*USE2, ("joe", "see ibe2#13")], [lookup(13, "w3c/scribe2")]),
    ("ref-owner/prefix#N", [*USE2, ("joe", "see w3c/a#13")], [lookup(13)]),
    ("ref-unknown-repo-takes-owner", [*USE, ("joe", "Is webnn#3 the same issue?")],
     [lookup(3, "w3c/webnn")]),
    ("ref-no-name-after-owner", [*USE, ("joe", "see w3c/#13")], []),
    ("ref-issue-url", [("joe", "see https://github.com/w3c/aria/issues/5, please")],
     [lookup(5)]),
    ("ref-pull-url", [("joe", "see https://github.com/w3c/aria/pull/8")], [lookup(8)]),
    ("ref-pull-answer", [("joe", "see https://github.com/w3c/aria/pull/8"),
                         ok(issue(8, "Fix typo", kind="pull request", state="closed",
                                  merged=True))],
     [f"{ARIA}/pull/8 -> MERGED Pull Request 8 Fix typo (by anssiko)"]),
    ("ref-discussion-url", [("joe", "see https://github.com/w3c/aria/discussions/9")],
     [f"{ARIA}/discussions/9 -> Discussion 9"]),
    ("ref-several", [*USE2, ("joe", "#1, scribe2#2 and @bob")],
     [lookup(1), lookup(2, "w3c/scribe2"), f"{GH}/bob -> @bob"]),
    ("ref-once-per-line", [*USE, ("joe", "#5 is w3c/aria#5 is https://github.com/w3c/aria/issues/5")],
     [lookup(5)]),
    ("ref-at-most-five", [*USE, ("joe", "#1 #2 #3 #4 #5 #6 #7")],
     [lookup(1), lookup(2), lookup(3), lookup(4), lookup(5)]),
    ("ref-@user", [("joe", "That comment came from @aliciag")],
     [f"{GH}/aliciag -> @aliciag"]),
    ("ref-email-is-no-user", [("joe", "mail contact@aliciag.com")], []),
    ("ref-code-span", [*USE, ("joe", "Use the JSON-LD `@context` as in `#5`")], []),
    ("ref-triple-code-span", [("joe", "How do you use ```@context```?")], []),
    ("ref-s/-line", [*USE, ("joe", "s/like #14/like #15/")], []),
    ("ref-i/-line", [*USE, ("joe", "i/Discuss/topic: #15/")], []),
    ("ref-s|-line", [*USE, ("joe", "s|about|about #15|")], []),
    ("ref-addressed", [*USE, ("joe", "gb, #13 and #14?")], [lookup(13), lookup(14)]),
    ("ref-addressed-user", [("joe", "gb, @bob?")], [f"{GH}/bob -> @bob"]),
    ("ref-not-found", [*USE, ("joe", "see #5"), failed("not-found", "not found, or private")],
     [f"{ARIA}/issues/5 -> #5"]),
    ("ref-rate-limited", [*USE, ("joe", "see #5"), failed("rate-limited", "try later")],
     [f"{ARIA}/issues/5 -> #5"]),
    ("ref-timeout", [*USE, ("joe", "see #5"), failed("timeout")], [f"{ARIA}/issues/5 -> #5"]),
    # ---- topic lines: a substitution for scribe.perl -------------------------------------------
    ("topic-ref", [*USE, ("joe", "topic: about aria#15"),
                   ok(issue(15, "help topics", state="closed", author="pc"))],
     [f"s|aria#15|-> CLOSED Issue 15 help topics (by pc) {ARIA}/issues/15|"]),
    ("subtopic-ref", [*USE, ("joe", "subtopic: #20"), ok(issue(20, "t"))],
     [f"s|#20|-> Issue 20 t (by anssiko) {ARIA}/issues/20|"]),
    ("sub-topic-ref", [*USE, ("joe", "Sub-Topic: #20"), ok(issue(20, "t"))],
     [f"s|#20|-> Issue 20 t (by anssiko) {ARIA}/issues/20|"]),
    ("agendum-ref", [*USE, ("joe", "agendum 3 -- #22"), ok(issue(22, "t"))],
     [f"s|#22|-> Issue 22 t (by anssiko) {ARIA}/issues/22|"]),
    ("topic-url", [("joe", "topic: https://github.com/w3c/scribe2/issues/15"),
                   ok(issue(15, "Feature request", "w3c/scribe2", author="dbooth-boston"))],
     ["s|https://github.com/w3c/scribe2/issues/15|-> Issue 15 Feature request "
      "(by dbooth-boston) https://github.com/w3c/scribe2/issues/15|"]),
    ("topic-title-with-bar", [*USE, ("joe", "topic: #25"), ok(issue(25, "a | b"))],
     [f"{ARIA}/issues/25 -> Issue 25 a | b (by anssiko)"]),
    ("topic-not-found", [*USE, ("joe", "topic: #26"), failed("not-found")],
     [f"{ARIA}/issues/26 -> #26"]),
    ("topic-user", [("joe", "topic: thanks @carol")], [f"{GH}/carol -> @carol"]),
    # ---- q+ lines: answered in /me --------------------------------------------------------------
    ("q+-ref", [*USE, ("joe", "q+ to talk about #16"), ok(issue(16, "t"))],
     [f"* {ARIA}/issues/16 -> Issue 16 t (by anssiko)"]),
    ("q+-ref-failed", [*USE, ("joe", "q+ to talk about #16"), failed("timeout")],
     [f"* {ARIA}/issues/16 -> #16"]),
    ("/me-q+-ref", [*USE, ("joe", "/me q+ to ask about #16"), ok(issue(16, "t"))],
     [f"* {ARIA}/issues/16 -> Issue 16 t (by anssiko)"]),
    ("qq+-user", [("joe", "qq+ to mention @bob")], [f"* {GH}/bob -> @bob"]),
    ("queue-=-user", [("joe", "queue= @bob")], [f"* {GH}/bob -> @bob"]),
    # ---- off, names off, issues off --------------------------------------------------------------
    ("off-no-refs", [*USE, ("joe", "gb, off"), ("joe", "see #5 and @bob")], []),
    ("off-addressed-refs", [*USE, ("joe", "gb, off"), ("joe", "gb, #5 and @bob?")],
     [lookup(5), f"{GH}/bob -> @bob"]),
    ("on-again-refs", [*USE, ("joe", "gb, off"), ("joe", "gb, on"), ("joe", "see #5")],
     [lookup(5)]),
    ("names-off-refs", [*USE, ("joe", "gb, names off"), ("joe", "see #5 and @bob")], [lookup(5)]),
    ("issues-off-refs", [*USE, ("joe", "gb, issues off"),
                    ("joe", "see #5, https://github.com/w3c/aria/discussions/9 and @bob")],
     [f"{GH}/bob -> @bob"]),
    ("issues-off-addressed", [*USE, ("joe", "gb, issues off"), ("joe", "gb, #5?")], [lookup(5)]),
    # ---- AgendaBot: agenda: <url> ---------------------------------------------------------------
    ("agenda:", [("joe", "agenda: https://example.org/agenda.html")],
     [("document", "https://example.org/agenda.html")]),
    ("/me-agenda:", [("joe", "/me agenda: https://example.org/agenda.html")],
     [("document", "https://example.org/agenda.html")]),
    ("agenda:-addressed", [("joe", "gb, Agenda:https://example.org/agenda.html")],
     [("document", "https://example.org/agenda.html")]),
    ("agenda:-items", [("joe", "agenda: https://example.org/agenda.html"),
                       ok(["<h2>Agenda</h2><ol><li>Welcome</li><li>AOB</li></ol>", "text/html"])],
     ["clear agenda", "agenda+ Welcome", "agenda+ AOB"]),
    ("agenda:-then-zakim", [("joe", "agenda: https://example.org/agenda.html"),
                            ok(["agenda+ Welcome\nagenda+ AOB\n", "text/plain"]),
                            ("amy", "Zakim, agenda?")],
     ["zakim: I see 2 items remaining on the agenda:", "zakim: 1. Welcome [from joe]",
      "zakim: 2. AOB [from joe]"]),
    ("agenda:-no-agenda", [("joe", "agenda: https://example.org/a"),
                           ok(["<p>Nothing to see</p>", "text/html"])],
     ["joe, I found no agenda in https://example.org/a"]),
    ("agenda:-failed", [("joe", "agenda: https://example.org/a"),
                        failed("not-found", "404 Not Found")],
     ["Sorry, joe, I could not read the agenda at https://example.org/a: 404 Not Found"]),
    ("agenda:-failed-no-detail", [("joe", "agenda: https://example.org/a"), failed("timeout")],
     ["Sorry, joe, I could not read the agenda at https://example.org/a: timeout"]),
    # ---- bye, help, not understood ---------------------------------------------------------------
    ("bye", [("joe", "gb, bye")], ["leave gb"]),
    ("bye-keeps-repos", [*USE, ("joe", "gb, bye"), STATUS], [status(FRESH)]),
    ("not-understood", [("joe", "gb, blah")], ["I don't understand 'blah', joe. Try /msg gb help"]),
]


@pytest.mark.parametrize(("script", "expected"), [pytest.param(s, e, id=i) for i, s, e in CASES])
def test_command(script: list[Step], expected: list[object]) -> None:
    assert last(script) == expected


def test_case_ids_are_unique() -> None:
    ids = [i for i, _, _ in CASES]
    assert len(ids) == len(set(ids))


def test_every_form_in_the_manuals_has_a_case() -> None:
    """Guard against a form losing its case: gb's and AgendaBot's commands, by their words."""
    said = " | ".join(s[1].lower() for _, script, _ in CASES for s in script
                      if not isinstance(s, Answered))
    for form in ("gb, use ", "discussing ", "discuss ", "using ", "take up ", "taking up ",
                 "this will be ", "this is ", "https://github.com/xxx/yyy", "yyy, zzz",
                 "repo: ", "repos: ", "repository: ", "repositories:", "repo:", "repo- ",
                 "drop ", "forget ", "remove ", "don't use ", "do not use ", "status?",
                 "status", "gb, off", "gb, on", "names off", "set names to off", "names = off",
                 "persons ", "teams ", "issues off", "set issues to", "issues = ", "delay 20",
                 "set delay to 20", "delay = 20", "delay 1001", "ignore rrsagent, zakim",
                 "don't ignore", "do not ignore", "eve = eve78", "dayan is dcslobo",
                 "eve = @eve78", "who are you?", "account", "user", "login", "find agenda",
                 "search for the agenda", "find agenda since 3 weeks", "issue: ",
                 "action alex: ", "action: alex to ", "action: alex: ", "alex, kylie, coen",
                 "kylie and coen", "action @alex", "due in 2 weeks", "due 3 june", "close #",
                 "reopen aria#", "close w3c/aria#17", "close https://", "note #17:",
                 "comment aria#17:", "aria#17 note:", "aria#17 comment:", "comment https://",
                 "topic:", "subtopic:", "agendum ", "q+ ", "agenda: ", "gb, bye", "gb, blah"):
        assert form in said, form


# ---- without a GitHub token -------------------------------------------------------------------

READ_ONLY: list[tuple[str, list[Step], list[object]]] = [
    ("who-are-you", [("joe", "gb, who are you?")],
     ["I am not using a GitHub account: I can look up public issues only"]),
    ("login", [("joe", "gb, login")],
     ["I am not using a GitHub account: I can look up public issues only"]),
    ("issue:", [*USE, ("joe", "Issue: is the default 1 or 0?")],
     ["Sorry, joe, I can't create issues: no GitHub token is configured"]),
    ("issue:-no-repo", [("joe", "Issue: is the default 1 or 0?")], []),
    ("issue:-ignored", [*USE, ("joe", "gb, ignore bob"), ("bob", "Issue: x")], []),
    ("action", [*USE, ("joe", "action alex: review chapter 1")], []),
    ("action:-rrsagent-only", [*USE, ("joe", "action: alex to review chapter 1")],
     ["rrsagent: ACTION: alex to review chapter 1 [1]",
      "rrsagent: recorded in http://localhost:8000/2024/03/07-wg-irc#T15-03-00"]),
    ("close", [*USE, ("joe", "close #15")],
     ["Sorry, joe, I can't close issues: no GitHub token is configured"]),
    ("reopen", [("joe", "reopen w3c/aria#15")],
     ["Sorry, joe, I can't reopen issues: no GitHub token is configured"]),
    ("note", [*USE, ("joe", "note #15: x")],
     ["Sorry, joe, I can't comment on issues: no GitHub token is configured"]),
    ("lookups-still-work", [*USE, ("joe", "see #15")], [lookup(15)]),
    ("find-agenda-still-works", [*USE, ("joe", "gb, find agenda")],
     [("issues", "w3c/aria", "open", "agenda+")]),
]


@pytest.mark.parametrize(("script", "expected"),
                         [pytest.param(s, e, id=i) for i, s, e in READ_ONLY])
def test_command_without_a_token(script: list[Step], expected: list[object]) -> None:
    assert last(script, writes=False) == expected


def test_help_names_the_github_and_agendabot_commands() -> None:
    lines = last([("joe", "gb, help")])
    assert lines[0] == "gb understands:"
    (github,) = [line for line in lines if str(line).startswith("github: ")]
    for form in ("use <org/repo>", "status", "delay <lines>", "Issue: <title> *",
                 "action <who>: <text> [- due <date>] *", "close|reopen #N *", "find agenda"):
        assert form in str(github), form
    assert "agendabot: agenda: <url> *" in lines
    assert lines[-1] == ("Address me as 'gb, <command>'; those marked * also work unaddressed "
                         "or in /me.")


def test_settings_reach_the_requests() -> None:
    script: list[Step] = [*USE, ("joe", "gb, find agenda"), ("joe", "see #3 and @bob")]
    effects = Session(make_gb(github_url="https://git.example.org", agenda_label="meeting",
                              gb_delay=8)).play([*script, STATUS])
    assert render(effects[1]) == [("issues", "w3c/aria", "open", "meeting")]
    assert render(effects[2]) == [lookup(3), "https://git.example.org/bob -> @bob"]
    assert render(effects[3]) == [
        "Delay is 8 lines, issues are on, names are on and I'm using "
        "https://git.example.org/w3c/aria"]


def test_an_ask_carries_what_the_answer_needs() -> None:
    (effects,) = Session(make_gb()).play([("joe", "topic: w3c/aria#15")])
    (ask,) = effects
    assert isinstance(ask, Ask)
    assert (ask.channel, ask.owner) == (CHANNEL, "github")
    assert json.loads(ask.key) == {"do": "lookup", "nick": "joe", "url": f"{ARIA}/issues/15",
                                   "form": "subst", "text": "w3c/aria#15"}


# ---- the delay before the same reference is expanded again ----------------------------------

def filler(n: int) -> list[Step]:
    return [("amy", f"line {i}") for i in range(n)]


@pytest.mark.parametrize("delay", [15, 4, 2])
def test_the_same_reference_waits_for_the_delay(delay: int) -> None:
    setting: list[Step] = [] if delay == 15 else [("joe", f"gb, delay {delay}")]
    session = Session(make_gb())
    session.play([*USE, *setting])
    assert render(session.step(("joe", "see #5"))) == [lookup(5)]
    session.play(filler(delay - 2))
    # delay-1 lines later: too soon, whoever says it and however it is written
    assert render(session.step(("bob", "w3c/aria#5 again"))) == []
    # delay lines after it was expanded: expanded again
    assert render(session.step(("bob", "https://github.com/w3c/aria/issues/5"))) == [lookup(5)]


def test_delay_one_expands_on_the_next_line() -> None:
    session = Session(make_gb())
    session.play([*USE, ("joe", "gb, delay 1"), ("joe", "see #5")])
    assert render(session.step(("joe", "see #5"))) == [lookup(5)]


def test_delay_zero_expands_every_time() -> None:
    session = Session(make_gb())
    session.play([*USE, ("joe", "gb, delay 0"), ("joe", "see #5")])
    assert render(session.step(("joe", "see #5"))) == [lookup(5)]


def test_the_delay_is_per_reference_and_counts_every_line() -> None:
    session = Session(make_gb())
    session.play([*USE, ("joe", "gb, delay 4"), ("joe", "see #5 and @bob")])
    assert render(session.step(("joe", "see #6, #5 and @bob"))) == [lookup(6)]
    session.play([("zed", "/me waves"), ("joe", "gb, status")])  # actions and commands count
    assert render(session.step(("joe", "@bob #5 #6"))) == [f"{GH}/bob -> @bob", lookup(5)]


def test_addressed_lookups_ignore_the_delay_and_restart_it() -> None:
    session = Session(make_gb())
    session.play([*USE, ("joe", "see #5")])
    assert render(session.step(("joe", "gb, #5?"))) == [lookup(5)]
    session.play(filler(13))
    assert render(session.step(("joe", "see #5"))) == []  # 14 lines after the addressed one
    assert render(session.step(("joe", "see #5"))) == [lookup(5)]


def test_a_failed_lookup_also_starts_the_delay() -> None:
    session = Session(make_gb())
    session.play([*USE, ("joe", "see #5"), failed("timeout")])
    assert render(session.step(("joe", "see #5"))) == []


def test_leaving_forgets_what_was_said_but_not_the_settings() -> None:
    session = Session(make_gb())
    session.play([*USE, ("joe", "gb, delay 20"), ("joe", "see #5"), ("joe", "gb, bye")])
    assert render(session.step(("joe", "see #5"))) == [lookup(5)]
    assert render(session.step(STATUS)) == [
        status("Delay is 20 lines, issues are on, names are on")]


# ---- gb sharing Zakim's nick (gb_nick empty in the config) ----------------------------------

def test_shared_nick_use_is_answered_once_by_gb() -> None:
    effects = Session(make_gb(gb_nick="Zakim")).play([("joe", "Zakim, use w3c/aria")])[-1]
    assert render(effects) == [f"OK, I'm using {ARIA}", KEPT]
    assert [e.persona for e in effects if isinstance(e, Reply)] == [GB]


def test_shared_nick_not_understood_once() -> None:
    effects = Session(make_gb(gb_nick="Zakim")).play([("joe", "Zakim, blah")])[-1]
    assert render(effects) == ["zakim: I don't understand 'blah', joe. Try /msg Zakim help"]


def test_shared_nick_zakim_and_gb_commands_both_work() -> None:
    session = Session(make_gb(gb_nick="Zakim"))
    session.play([("joe", "Zakim, use w3c/aria"), ("joe", "q+ to talk about #5")])
    assert render(session.step(("joe", "Zakim, q?"))) == ["zakim: I see joe on the speaker queue"]
    assert render(session.step(("joe", "Zakim, delay 3"))) == ["OK, delay is 3 lines", KEPT]


@pytest.mark.parametrize("command", ["Zakim, take up agendum 2", "Zakim, this is Zoom 1",
                                     "Zakim, ignore the queue", "Zakim, drop agendum 1"])
def test_shared_nick_zakims_commands_are_zakims_only(command: str) -> None:
    session = Session(make_gb(gb_nick="Zakim"))
    session.play([("joe", "Zakim, use w3c/aria"), ("joe", "agenda+ one"), ("joe", "agenda+ two")])
    before = gb_state(session.router).state(CHANNEL)
    kept = before.durable()
    effects = session.step(("joe", command))
    assert {e.persona for e in effects if isinstance(e, Reply)} == {ZAKIM}
    assert not [e for e in effects if isinstance(e, Remember)]
    assert before.durable() == kept


# ---- restarts: replay and remembered settings --------------------------------------------------

MEETING: list[Step] = [
    ("joe", "gb, use w3c/aria, scribe2"), ("joe", "gb, Eve = @eve78"),
    ("joe", "gb, ignore RRSAgent"), ("joe", "gb, delay 4"), ("joe", "gb, names off"),
    ("amy", "our tracker #240 shows green"), ok(issue(240, "CR readiness")),
    ("joe", "gb, find agenda"), ok([issue(3, "Second"), issue(2, "First")]),
    ("amy", "topic: about scribe2#15"), failed("not-found"),
    ("joe", "Issue: is the default 1 or 0?"), ok(issue(17, "is the default 1 or 0?")),
    ("joe", "gb, use webnn"), ("joe", "gb, off"), ("amy", "Zakim, next agendum"),
]


def test_replay_rebuilds_the_same_state_and_agenda() -> None:
    live = Session(make_gb())
    live.play(MEETING)
    replayed = make_gb()
    for event in live.events:
        replayed.dispatch(event)
    assert gb_state(replayed).state(CHANNEL) == gb_state(live.router).state(CHANNEL)
    assert gb_state(live.router).state(CHANNEL) != Channel()  # not two empty states
    again = Session(replayed, when=live.when)
    for question in [("joe", "Zakim, agenda?"), STATUS, ("joe", "see #240")]:
        assert render(again.step(question)) == render(live.step(question))
    assert render(live.step(("joe", "Zakim, agenda?")))[1:] == [
        f"zakim: 1. First -> {ARIA}/issues/2 [from joe]",
        f"zakim: 2. Second -> {ARIA}/issues/3 [from joe]"]


def remembered(effects: list[list[Effect]]) -> str:
    kept = [e for step in effects for e in step if isinstance(e, Remember)]
    assert kept and all((k.channel, k.key) == (CHANNEL, "github.state") for k in kept)
    return kept[-1].value


def test_recall_restores_repositories_delay_flags_ignored_and_aliases() -> None:
    live = Session(make_gb())
    value = remembered(live.play(MEETING))
    restarted = make_gb()
    restarted.recall("#WG", "github.state", value)  # channel names are folded
    session = Session(restarted, when=live.when)
    assert render(session.step(STATUS)) == [
        "Delay is 4 lines, issues are on, names are off, I'm off (address me to look things "
        f"up), I ignore rrsagent and I'm using {GH}/w3c/webnn, {ARIA}, {GH}/w3c/scribe2"]
    assert render(session.step(("joe", "gb, on"))) == ["OK, joe, I'm on", KEPT]
    assert render(session.step(("joe", "action Eve: send mail"))) == [
        create("send mail", DUE_IN_A_WEEK, "action", "eve78", "w3c/webnn")]
    assert render(session.step(("RRSAgent", "close #3"))) == []
    assert render(session.step(("amy", "see #3 and @bob"))) == [lookup(3, "w3c/webnn")]


def test_the_remembered_value_is_plain_json_of_the_settings() -> None:
    value = remembered(Session(make_gb()).play(MEETING))
    assert json.loads(value) == {
        "aliases": {"eve": "eve78"}, "delay": 4, "ignored": ["rrsagent"], "issues": True,
        "names": False, "on": False, "repos": ["w3c/webnn", "w3c/aria", "w3c/scribe2"]}


def test_recall_of_another_key_or_channel_changes_nothing() -> None:
    value = remembered(Session(make_gb()).play(MEETING))
    router = make_gb()
    router.recall(CHANNEL, "github.other", value)
    router.recall("#other", "github.state", value)
    router.recall(CHANNEL, "agenda.state", value)
    assert render(Session(router).step(STATUS)) == [
        status(FRESH, "I'm not using any repository")]


@pytest.mark.parametrize("value", ["", "not json", "{", "[]", "null", "42", '"w3c/aria"',
                                   '{"bogus": 1}', '{"repos": ["w3c/aria"], "colour": "red"}'])
def test_a_garbled_remembered_value_does_not_crash(value: str) -> None:
    router = make_gb()
    router.recall(CHANNEL, "github.state", value)
    session = Session(router)
    assert render(session.step(STATUS)) == [status(FRESH, "I'm not using any repository")]
    assert render(session.play([*USE, ("joe", "see #5 and @bob")])[-1]) == [
        lookup(5), f"{GH}/bob -> @bob"]


@pytest.mark.parametrize(("value", "line"), [
    ('{"repos": 5}', "gb, status"),
    ('{"repos": ["w3c/aria"], "delay": "20"}', "see #5"),
    ('{"aliases": []}', "gb, Eve = eve78"),
    ('{"repos": ["w3c/aria"], "ignored": null}', "Issue: x"),
])
def test_a_remembered_value_of_the_wrong_shape_does_not_crash(value: str, line: str) -> None:
    router = make_gb()
    router.recall(CHANNEL, "github.state", value)
    assert gb_state(router).state(CHANNEL) == Channel()  # not adopted: gb starts afresh
    Session(router).step(("joe", line))


# ---- regressions: behaviours these tests found wrong, now fixed -------------------------------

@pytest.mark.parametrize(("line", "ref"), [("gb, close #15", "#15"),
                                           ("gb, aria#15 note: x", "aria#15")])
def test_an_unknown_repository_is_named_as_written(line: str, ref: str) -> None:
    (reply,) = last([("joe", line)])
    assert reply == f"joe, I don't know which repository {ref} is in: say 'use org/repo' first"


@pytest.mark.parametrize("url", ["https://github.com/w3c/aria/issues/5",
                                 "https://github.com/w3c/aria/wiki/Agenda#2024-03-07",
                                 "https://hackmd.io/@webmachinelearning/agenda-2024-03-07"])
def test_agenda_url_that_looks_like_a_reference_is_still_an_agenda(url: str) -> None:
    assert last([*USE, ("joe", f"agenda: {url}")]) == [("document", url)]


def test_action_who_colon_text_with_to_in_the_text() -> None:
    assert last([*USE, ("joe", "action: alex: talk to bob")])[-1] == action("talk to bob", "alex")


def test_action_due_date_after_the_word_due() -> None:
    assert last([*USE, ("joe", "action alex: fix the due date - due in 2 weeks")]) == [
        action("fix the due date", "alex", "2024-03-21 (Thursday 21 March)")]


def test_topic_substitution_only_replaces_its_own_reference() -> None:
    line = "topic: #15 and #1"
    (reply,) = last([*USE, ("joe", line), ok(issue(15, "fifteen")), ok(issue(1, "one"))])
    assert isinstance(reply, str)
    if reply.startswith("s|"):
        old, new = reply[2:-1].split("|")
        assert line.replace(old, new, 1).startswith("topic: #15 and ")


@pytest.mark.parametrize(("script", "expected"), [
    pytest.param([("joe", "gb, delay is 20")], ["OK, delay is 20 lines", KEPT], id="delay-is"),
    pytest.param([("joe", "ask @w3c/aria-team")], [f"{GH}/orgs/w3c/teams/aria-team -> "
                                                    "@w3c/aria-team"], id="team"),
    pytest.param([*USE, ("joe", f"close {ARIA}/discussions/5")],
                 ["Sorry, joe, I can only close issues and pull requests in https://github.com"],
                 id="close-discussion"),
    pytest.param([*USE, ("joe", "close https://example.org/x")],
                 ["Sorry, joe, I can only close issues and pull requests in https://github.com"],
                 id="close-elsewhere"),
    pytest.param([*USE, ("joe", "gb, off"), ("joe", "Issue: not now")], [], id="off-no-issue"),
    pytest.param([*USE, ("joe", "gb, off"), ("joe", "gb, issue: now")],
                 [create("now")], id="off-addressed-issue"),
    pytest.param([*USE, ("joe", "gb, Eve = eve78"), ("joe", "action @eve: send mail")],
                 [action("send mail", "eve")], id="at-login-is-no-alias"),
    pytest.param([*USE, ("joe", "gb, Eve = eve78"), ("joe", "action eve: send mail")],
                 [action("send mail", "eve78")], id="alias"),
    pytest.param([("joe", "gb, use https://github.com/w3c/aria.git/")],
                 [f"OK, I'm using {ARIA}", KEPT], id="git-url"),
    pytest.param([*USE, ("joe", "gb, use https://github.com/w3c")],
                 ["joe, I don't see a repository there: say e.g. use w3c/aria"], id="owner-url"),
])
def test_fixed(script: list[Step], expected: list[object]) -> None:
    assert last(script) == expected


def test_an_action_labelled_pull_request_is_a_pull_request() -> None:
    summary = issue(1, "t", kind="pull request", labels=["action"], assignees=["bob"])
    assert describe(summary) == "Pull Request 1 t (by anssiko) [action]"


def test_at_most_100_writes_to_a_repository_in_10_minutes() -> None:
    """gb's own limit (its manual), across channels: the 101st write within 10 minutes is
    refused with the time it may be tried again; a write 10 minutes after the first goes."""
    session = Session(make_gb())
    session.play(USE)
    start = session.when
    for i in range(100):
        session.when = start + timedelta(seconds=i)  # 100 closes within two minutes
        (effect,) = [e for e in session.step(("joe", f"close #{i + 1}")) if isinstance(e, Ask)]
        assert effect.request == ("state", "w3c/aria", str(i + 1), "closed")
    session.when = start + timedelta(minutes=5)
    first = start + timedelta(seconds=GAP)  # the first close: the step adds GAP
    assert render(session.step(("joe", "Issue: one too many"))) == [
        f"Sorry, joe, I have made 100 changes to w3c/aria in the last 10 minutes; "
        f"try again after {first + timedelta(minutes=10):%H:%M} UTC"]
    session.when = first + timedelta(minutes=10) - timedelta(seconds=GAP)
    assert render(session.step(("joe", "reopen #1"))) == [("state", "w3c/aria", "1", "open")]
    other = Session(make_gb())  # another router: another count (the limit is the bot's)
    assert render(other.play([*USE, ("joe", "close #1")])[-1]) == [
        ("state", "w3c/aria", "1", "closed")]


LISTED = [issue(20, "a"), issue(15, "b"), issue(14, "c")]


@pytest.mark.parametrize(("line", "request_"), [
    ("gb, list", ("issues", "w3c/aria", "open", "", "", "")),
    ("gb, list open issues", ("issues", "w3c/aria", "open", "", "", "")),
    ("gb, find closed actions", ("issues", "w3c/aria", "closed", "action", "", "")),
    ("gb, list all actions", ("issues", "w3c/aria", "all", "action", "", "")),
    ("gb, look up issues with label foo", ("issues", "w3c/aria", "open", "foo", "", "")),
    ("gb, search for issues with labels foo, bar", ("issues", "w3c/aria", "open", "foo,bar",
                                                     "", "")),
    ("gb, list issues by joe", ("issues", "w3c/aria", "open", "", "joe", "")),
    ("gb, list actions for me from scribe2",
     ("issues", "w3c/scribe2", "open", "action", "", "joe")),
    ("gb, list my actions", ("issues", "w3c/aria", "open", "action", "", "joe")),
    ("gb, get issues for eve", ("issues", "w3c/aria", "open", "", "", "eve78")),  # alias
    ("gb, list issues from w3c/other", ("issues", "w3c/other", "open", "", "", "")),
])
def test_list_forms(line: str, request_: tuple[str, ...]) -> None:
    """gb's manual: list/find/look up/get/search [open|closed|all] [issues|actions] with up to
    four criteria (from, with label(s), by, for; 'my' and 'me' are the asker)."""
    script = [*USE2, ("joe", "gb, Eve = eve78"), ("joe", line)]
    assert last(script)[-1] == request_


def test_list_answers() -> None:
    assert last([*USE, ("joe", "gb, list"), ok(LISTED)]) == ["#20, #15, #14"]
    assert last([*USE, ("joe", "gb, list"), ok([])]) == [f"joe, I found none in {ARIA}"]
    assert last([*USE, ("joe", "gb, list"), failed("timeout", "timed out after 5 s")]) == [
        "Sorry, joe, I could not list the issues of w3c/aria: timed out after 5 s"]
    many = [issue(n, "x") for n in range(200, 101, -1)]
    assert last([*USE, ("joe", "gb, list"), ok(many)])[0].endswith("#102, and more")
    assert last([("joe", "gb, list")]) == [
        "joe, which repository? Say 'use org/repo' first, or 'from org/repo'"]


def test_gb_overhears_references_said_to_zakim_and_rrsagent() -> None:
    """Real gb reads every line: ``Zakim, agenda+ #15`` is Zakim's command and gb's lookup;
    the form follows the command (``q+`` lines get /me), the delay applies, commands don't."""
    session = Session(make_gb())
    session.play(USE)
    effects = session.step(("joe", "Zakim, agenda+ discuss #15"))
    assert render(effects) == ["zakim: agendum 1 added", lookup(15)]
    assert render(session.step(ok(issue(15, "fifteen")))) == [
        f"{ARIA}/issues/15 -> Issue 15 fifteen (by anssiko)"]
    assert render(session.step(("joe", "Zakim, agenda+ again #15"))) == [
        "zakim: agendum 2 added"]  # within the delay
    session.step(("joe", "Zakim, q+ to talk about #16"))
    assert render(session.step(ok(issue(16, "sixteen")))) == [
        f"* {ARIA}/issues/16 -> Issue 16 sixteen (by anssiko)"]
    asked = [e.request for e in session.step(("joe", "RRSAgent, close #17"))
             if isinstance(e, Ask)]
    assert asked == [lookup(17)]  # an overheard 'close #17' is a lookup, never a write
