"""gb, W3C's GitHub bot: expand issue references, file and close issues, load an agenda.

Everything gb knows per channel (repositories in use, delay, on/off, ignored nicks, aliases)
is plain state here; the GitHub API is the shell's job. A handler returns an ``Ask`` and the
shell comes back with the answer (stored as an event, so a replay hears the same answer),
which ``on_answer`` turns into gb's lines. References are read by ``bot.core.references``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from bot.core.agendas import MAX_ITEMS, agenda_lines, clean
from bot.core.effects import Answer, Ask, Remember, Say, Signal
from bot.core.events import Event, Kind
from bot.core.names import GB, fold, name_list
from bot.core.plugin import Command, Plugin, Settings, command
from bot.core.references import describe, due_date, find_references, parse_repos, resolve_repo

_REPO_WORDS = r"(?P<repos>[^\s,]+(?:(?:\s*,\s*|\s+and\s+|\s+)[^\s,]+)*)"
# Where gb shares Zakim's nick, Zakim's "take up agendum 2", "this is <conference>", "drop
# agendum 1" and "ignore the queue" must not reach gb: "take up" and "this is" need a repo
# with its owner; drop, ignore and aliases exclude the words Zakim and RRSAgent use there.
_OWNED = r"(?=\S*/)"
_NOT_ZAKIMS = r"(?!(?:the\s+)?(?:queue|agenda|actions?|q)\b)"
_NOT_AGENDA = r"(?!(?:agend(?:a|um)|item|action|topic|question)\b)"
_RESERVED = r"(?!(?:this|that|it|what|who|where|which|delay|names|issues|status)\b)"
_WHO = r"@?[\w\[\]\\`^{|}-]+(?:(?:\s*,\s*|\s+and\s+)@?[\w\[\]\\`^{|}-]+)*"
_REF = r"(?P<ref>(?:[\w.-]+(?:/[\w.-]*)?)?#\d{1,9}|https?://\S+)"
_CRITERION = (r"(from(?:\s+repo(?:sitory)?)?|with\s+labels?|by|for)\s+"
              r"([^\s,]+(?:\s*,\s*[^\s,]+)*)")
_ONOFF = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}
_TOPIC_LINE = re.compile(r"\s*(?:sub-?topic|topic)\s*:|\s*agendum\b", re.IGNORECASE)
_QUEUE_LINE = re.compile(r"\s*(?:q|qq|queue)\s*[+\-=?]", re.IGNORECASE)
WRITES_PER_REPO = 100  # gb's manual: at most 100 writes to a repository per 10 minutes
WRITE_WINDOW = timedelta(minutes=10)
_LOOKS_LIKE_A_REF = r"(?s).*?(?:#\d|@[A-Za-z0-9]|/(?:issues|pull|discussions)/\d).*"


@dataclass
class Channel:
    """gb's settings for a channel (kept beyond restarts), and what it said recently."""

    repos: list[str] = field(default_factory=list)  # most recently added first
    delay: int | None = None  # None: the configured default
    on: bool = True
    issues: bool = True
    names: bool = True
    ignored: list[str] = field(default_factory=list)  # folded nicks
    aliases: dict[str, str] = field(default_factory=dict)  # folded name -> GitHub login
    lines: int = 0  # lines seen since start-up (replay included): the delay's clock
    said: dict[str, int] = field(default_factory=dict)  # URL -> line it was last expanded on

    def durable(self) -> str:
        kept = {k: v for k, v in asdict(self).items() if k not in ("lines", "said")}
        return json.dumps(kept, sort_keys=True)


class GitHubPlugin(Plugin[Channel]):
    persona = GB
    name = "github"
    State = Channel
    snapshot_attrs: ClassVar[dict[str, Any]] = {"writes": dict[str, list[datetime]]}

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.writes: dict[str, list[datetime]] = {}  # repository -> times of recent writes

    def _keep(self, cmd: Command, answer: str) -> list[Answer]:
        state = self.channels.get(cmd.channel)
        return [Say(answer), Remember(cmd.channel, "github.state", state.durable())]

    @property
    def web(self) -> str:
        return self.settings.github_url

    # ---- repositories and settings --------------------------------------------------------

    @command(rf"(?:(?:discussing|discuss|use|using)\s+|(?:take\s+up|taking\s+up|this\s+will"
             rf"\s+be|this\s+is)\s+{_OWNED}){_REPO_WORDS}", help="use <org/repo>, ...")
    def use(self, cmd: Command) -> list[Answer]:
        return self._use(cmd, cmd.match["repos"])

    @command(r"repo(?:s|sitory|sitories)?\s*:\s*(?P<repos>.*)", unaddressed=True,
             help="repo: <org/repo> *")
    def repo_line(self, cmd: Command) -> list[Answer]:
        if not cmd.match["repos"].strip():
            self.channels.get(cmd.channel).repos = []
            return self._keep(cmd, "OK, I'm not using any repository")
        return self._use(cmd, cmd.match["repos"])

    def _use(self, cmd: Command, words: str) -> list[Answer]:
        state = self.channels.get(cmd.channel)
        named = parse_repos(words, state.repos, self.web)
        if named is None:
            return [Say(f"{cmd.nick}, I don't see a repository there: say e.g. use w3c/aria")]
        for repo in reversed(named):  # the first named ends up on top
            state.repos = [repo] + [r for r in state.repos if r.lower() != repo.lower()]
        return self._keep(cmd, f"OK, I'm using {self._urls(state)}")

    @command(rf"(?:drop|forget|remove|don't\s+use|do\s+not\s+use)\s+{_NOT_AGENDA}{_REPO_WORDS}",
             help="drop <org/repo>")
    def drop(self, cmd: Command) -> list[Answer]:
        return self._drop(cmd, cmd.match["repos"])

    @command(r"repo(?:s|sitory|sitories)?\s*-\s*(?P<repos>.+)", unaddressed=True)
    def repo_minus(self, cmd: Command) -> list[Answer]:
        return self._drop(cmd, cmd.match["repos"])

    def _drop(self, cmd: Command, words: str) -> list[Answer]:
        state = self.channels.get(cmd.channel)
        named = {r.lower() for r in parse_repos(words, state.repos, self.web) or []}
        state.repos = [r for r in state.repos if r.lower() not in named]
        return self._keep(cmd, f"OK, I'm using {self._urls(state)}" if state.repos
                          else "OK, I'm not using any repository")

    def _urls(self, state: Channel) -> str:
        return ", ".join(f"{self.web}/{r}" for r in state.repos) or "no repository"

    @command(r"status\s*\??", help="status")
    def status(self, cmd: Command) -> list[Answer]:
        s = self.channels.get(cmd.channel)
        parts = [f"Delay is {self._delay(s)} lines", f"issues are {'on' if s.issues else 'off'}",
                 f"names are {'on' if s.names else 'off'}"]
        if not s.on:
            parts.append("I'm off (address me to look things up)")
        if s.ignored:
            parts.append(f"I ignore {', '.join(s.ignored)}")
        using = f"I'm using {self._urls(s)}" if s.repos else "I'm not using any repository"
        return [Say(", ".join(parts) + f" and {using}")]

    def _delay(self, state: Channel) -> int:
        return self.settings.gb_delay if state.delay is None else state.delay

    @command(r"(?P<value>on|off)", help="on|off")
    def switch(self, cmd: Command) -> list[Answer]:
        self.channels.get(cmd.channel).on = cmd.match["value"].lower() == "on"
        return self._keep(cmd, f"OK, {cmd.nick}, I'm {cmd.match['value'].lower()}")

    @command(r"(?:set\s+)?(?P<what>names|persons|teams|issues)\s*(?:to\s+|=\s*|\s)\s*"
             r"(?P<value>on|off|yes|no|true|false)", help="names|issues on|off")
    def set_kind(self, cmd: Command) -> list[Answer]:
        what, value = cmd.match["what"].lower(), _ONOFF[cmd.match["value"].lower()]
        state = self.channels.get(cmd.channel)
        if what == "issues":
            state.issues = value
        else:
            state.names = value
        shown = "issues" if what == "issues" else "names"
        return self._keep(cmd, f"OK, {shown} are {'on' if value else 'off'}")

    @command(r"(?:set\s+)?delay\s*(?:to\s+|=\s*|is\s+|\s)\s*(?P<n>\d{1,6})",
             help="delay <lines>")
    def set_delay(self, cmd: Command) -> list[Answer]:
        n = int(cmd.match["n"])
        if n > 1000:
            return [Say(f"{cmd.nick}, the delay must be at most 1000 lines")]
        self.channels.get(cmd.channel).delay = n
        return self._keep(cmd, f"OK, delay is {n} lines")

    @command(rf"(?:don't|do\s+not)\s+ignore\s+{_NOT_ZAKIMS}(?P<nicks>.+)",
             help="don't ignore <nicks>")
    def unignore(self, cmd: Command) -> list[Answer]:
        state = self.channels.get(cmd.channel)
        gone = {fold(n) for n in name_list(cmd.match["nicks"], cmd.nick)}
        state.ignored = [n for n in state.ignored if n not in gone]
        return self._keep(cmd, f"OK, {cmd.nick}")

    @command(rf"ignore\s+{_NOT_ZAKIMS}(?P<nicks>.+)", help="ignore <nicks>")
    def ignore(self, cmd: Command) -> list[Answer]:
        state = self.channels.get(cmd.channel)
        for nick in name_list(cmd.match["nicks"], cmd.nick):
            if fold(nick) not in state.ignored:
                state.ignored.append(fold(nick))
        return self._keep(cmd, f"OK, {cmd.nick}, ignoring {', '.join(state.ignored)}")

    @command(r"(?:who\s+are\s+you|account|user|login)\s*\??", help="who are you?")
    def account(self, cmd: Command) -> list[Answer]:
        if not self.settings.github_writes:
            return [Say("I am not using a GitHub account: I can look up public issues only")]
        return [self._ask(cmd, "account", ("account",))]

    @command(r"(?:find|search\s+for|look\s+for|get|fetch|load)\s+(?:the\s+|an?\s+)?agenda\b.*",
             help="find agenda")
    def find_agenda(self, cmd: Command) -> list[Answer]:
        state = self.channels.get(cmd.channel)
        if not state.repos:
            return [Say(f"{cmd.nick}, I know no repository to look in: say 'use org/repo', or "
                        "give me the agenda's URL with 'agenda: <url>'")]
        return [self._ask(cmd, "agenda", ("issues", state.repos[0], "open",
                                          self.settings.agenda_label))]

    @command(r"(?:list|find|look\s+up|get|search(?:\s+for)?)(?P<my>\s+my)?"
             r"(?:\s+(?P<state>open|closed|all))?(?:\s+(?P<what>issues|actions))?"
             rf"(?P<criteria>(?:\s+{_CRITERION})*)\s*\??",
             help="list [open|closed|all] [issues|actions] [from repo] [with label x] "
                  "[by|for nick]")
    def list_issues(self, cmd: Command) -> list[Answer]:
        """gb's ``list``: the numbers of the issues (or actions) that match, newest first."""
        state = self.channels.get(cmd.channel)
        m, wanted = cmd.match, {"from": "", "with": "", "by": "", "for": ""}
        for word, value in re.findall(_CRITERION, m["criteria"] or "", re.IGNORECASE):
            wanted[word.split()[0].lower()] = value
        repo = resolve_repo(wanted["from"] or None, state.repos)
        if repo is None:
            return [Say(f"{cmd.nick}, which repository? Say 'use org/repo' first, or 'from "
                        "org/repo'")]
        labels = [x.strip() for x in wanted["with"].split(",") if x.strip()]
        if (m["what"] or "").lower() == "actions":
            labels.append("action")
        who = cmd.nick if m["my"] or wanted["for"].lower() == "me" else wanted["for"]
        by = cmd.nick if wanted["by"].lower() == "me" else wanted["by"]
        return [self._ask(cmd, "list", ("issues", repo, (m["state"] or "open").lower(),
                                        ",".join(labels), by and self._login(state, by),
                                        who and self._login(state, who)))]

    @command(rf"{_RESERVED}@?(?P<alias>[A-Za-z_\[\]\\`^{{|}}][\w\[\]\\`^{{|}}-]*)\s*(?:=|\s+is\s+)\s*"
             r"@?(?P<login>[A-Za-z0-9][A-Za-z0-9-]{0,38})", help="<nick> = <github login>")
    def alias(self, cmd: Command) -> list[Answer]:
        self.channels.get(cmd.channel).aliases[fold(cmd.match["alias"])] = cmd.match["login"]
        return self._keep(cmd, f"OK, {cmd.match['alias']} is {self.web}/{cmd.match['login']}")

    # ---- writing to GitHub ---------------------------------------------------------------

    @command(r"issue\s*:\s*(?P<title>\S.*)", unaddressed=True, help="Issue: <title> *")
    def create_issue(self, cmd: Command) -> list[Answer]:
        state = self.channels.get(cmd.channel)
        if not state.repos or not self._obeys(cmd, state):
            return []  # then it is only a line for the minutes
        if refusal := self._cannot_write(cmd, "create issues"):
            return refusal
        return self._writing(cmd, "create", ("create", state.repos[0],
                                             clean(cmd.match["title"]), self._opened_by(cmd),
                                             "", ""))

    @command(rf"action\s+(?P<who>{_WHO})\s*:\s*(?P<what>\S.*)"
             rf"|action\s*:\s*(?P<who3>{_WHO})\s*:\s*(?P<what3>\S.*)"
             rf"|action\s*:\s*(?P<who2>{_WHO})\s+to\s+(?P<what2>\S.*)",
             unaddressed=True, help="action <who>: <text> [- due <date>] *")
    def create_action(self, cmd: Command) -> list[Answer]:
        state = self.channels.get(cmd.channel)
        if not state.repos or not self._obeys(cmd, state) or not self.settings.github_writes:
            return []  # RRSAgent records the action anyway
        m = cmd.match
        who, what = m["who"] or m["who2"] or m["who3"], m["what"] or m["what2"] or m["what3"]
        today = cmd.event.time.date()
        due, text = today + timedelta(days=7), what
        for start, end in reversed(_due_at(what)):  # the last "due ..." that is a date
            if when := due_date(what[end:], today):
                due, text = when, what[:start].rstrip(" -")
                break
        logins = [self._login(state, n) for n in name_list(who, cmd.nick)]
        body = f"{self._opened_by(cmd)}\n\nDue: {due.isoformat()} ({due:%A %-d %B})"
        return self._writing(cmd, "create", ("create", state.repos[0], clean(text), body,
                                             "action", ",".join(logins)))

    def _login(self, state: Channel, name: str) -> str:
        if name.startswith("@"):  # a GitHub account, said so
            return name[1:]
        return state.aliases.get(fold(name), name)

    @staticmethod
    def _obeys(cmd: Command, state: Channel) -> bool:
        """Writes come from nicks not ignored, and unaddressed only while gb is on."""
        return fold(cmd.nick) not in state.ignored and (cmd.addressed or state.on)

    @command(rf"(?P<verb>close|reopen)\s+{_REF}", unaddressed=True, help="close|reopen #N *")
    def set_state(self, cmd: Command) -> list[Answer]:
        verb = cmd.match["verb"].lower()
        return self._write(cmd, verb, ("state", "closed" if verb == "close" else "open"))

    @command(rf"(?:note|comment)\s+{_REF}\s*:?\s*(?P<body>\S.*)"
             rf"|(?P<ref2>(?:[\w.-]+(?:/[\w.-]*)?)?#\d{{1,9}}|https?://\S+)\s+(?:note|comment)"
             r"\s*:?\s*(?P<body2>\S.*)", unaddressed=True, help="note #N <text> *")
    def note(self, cmd: Command) -> list[Answer]:
        return self._write(cmd, "comment on", ("comment", cmd.match["body"] or cmd.match["body2"]),
                           ref_text=cmd.match["ref"] or cmd.match["ref2"])

    def _write(self, cmd: Command, verb: str, op: tuple[str, str], *,
               ref_text: str | None = None) -> list[Answer]:
        state = self.channels.get(cmd.channel)
        if not self._obeys(cmd, state):
            return []
        written = ref_text or cmd.match["ref"]
        refs = find_references(written, state.repos, self.web, names=False)
        if (refs[0].path == "discussions") if refs else written.startswith("http"):
            return [Say(f"Sorry, {cmd.nick}, I can only {verb} issues and pull requests in "
                        f"{self.web}")]
        if not refs:
            return [Say(f"{cmd.nick}, I don't know which repository {written} is in: "
                        "say 'use org/repo' first")] if cmd.addressed or state.repos else []
        if refusal := self._cannot_write(cmd, f"{verb} issues"):
            return refusal
        ref = refs[0]
        kind, *rest = op
        return self._writing(cmd, verb, (kind, str(ref.repo), str(ref.number), *rest),
                             url=ref.url(self.web))

    def _cannot_write(self, cmd: Command, what: str) -> list[Answer]:
        if self.settings.github_writes:
            return []
        return [Say(f"Sorry, {cmd.nick}, I can't {what}: no GitHub token is configured")]

    @staticmethod
    def _opened_by(cmd: Command) -> str:
        return f"Opened by {cmd.nick} via IRC channel {cmd.channel} on {cmd.event.network}"

    # ---- references -------------------------------------------------------------------------

    def observe(self, event: Event) -> None:
        if event.kind in (Kind.MESSAGE, Kind.ACTION):
            self.channels.get(event.channel).lines += 1

    @command(_LOOKS_LIKE_A_REF, unaddressed=True, overhears=True)
    def references(self, cmd: Command) -> list[Answer]:
        """Issue and user references anywhere in a line (the last of gb's rules)."""
        state = self.channels.get(cmd.channel)
        if not cmd.addressed and (not state.on or fold(cmd.nick) in state.ignored):
            return []
        line = cmd.event.text
        kind = "me" if _QUEUE_LINE.match(cmd.text) else \
            "subst" if _TOPIC_LINE.match(cmd.text) else "plain"
        names, issues = (True, True) if cmd.addressed else (state.names, state.issues)
        out: list[Answer] = []
        for ref in find_references(line, state.repos, self.web, names=names, issues=issues):
            url = ref.url(self.web)
            # s|#1|…| would also rewrite the "#1" of "#15": then the plain form
            form = "plain" if kind == "subst" and line.count(ref.text) > 1 else kind
            if not cmd.addressed and state.lines - state.said.get(url, -10**9) < self._delay(state):
                continue
            state.said[url] = state.lines
            if ref.login is not None:
                out.append(_said(f"{url} -> @{ref.login}", form))
            elif ref.path == "discussions":
                out.append(_said(f"{url} -> Discussion {ref.number}", form))
            else:
                out.append(self._ask(cmd, "lookup", ("issue", str(ref.repo), str(ref.number)),
                                     url=url, form=form, text=ref.text))
        return out

    def _writing(self, cmd: Command, do: str, request: tuple[str, ...],
                 **more: str) -> list[Answer]:
        """A write to GitHub, within gb's own limit: WRITES_PER_REPO changes to a repository
        per WRITE_WINDOW, whichever channels ask (a runaway bot or paste cannot flood it)."""
        repo, now = request[1].lower(), cmd.event.time
        recent = [t for t in self.writes.get(repo, []) if now - t < WRITE_WINDOW]
        if len(recent) >= WRITES_PER_REPO:
            again = (recent[0] + WRITE_WINDOW).astimezone(UTC)
            return [Say(f"Sorry, {cmd.nick}, I have made {WRITES_PER_REPO} changes to "
                        f"{request[1]} in the last {WRITE_WINDOW.seconds // 60} minutes; "
                        f"try again after {again:%H:%M} UTC")]
        self.writes[repo] = [*recent, now]
        return [self._ask(cmd, do, request, **more)]

    def _ask(self, cmd: Command, do: str, request: tuple[str, ...], **more: str) -> Ask:
        key = json.dumps({"do": do, "nick": cmd.nick, **more})
        return Ask(cmd.channel, self.name, key, request)

    # ---- what GitHub answered ---------------------------------------------------------------

    def on_answer(self, event: Event, key: str, request: tuple[str, ...],
                  result: dict[str, Any]) -> list[Answer]:
        asked = json.loads(key)
        do, nick, ok = asked["do"], asked["nick"], result.get("status") == "ok"
        data: Any = result.get("data")
        detail = str(result.get("detail") or result.get("status"))
        if do == "lookup":
            url = asked["url"]
            if not ok:
                return [_said(f"{url} -> #{request[2]}", asked["form"])]
            summary = describe(data)
            if asked["form"] == "subst" and "|" not in summary + asked["text"]:
                return [Say(f"s|{asked['text']}|-> {summary} {url}|")]
            return [_said(f"{url} -> {summary}", asked["form"])]
        if do == "account":
            return [Say(f"I am using GitHub account {data['login']}" if ok
                        else f"I could not ask GitHub which account I use: {detail}")]
        if do == "agenda":
            return self._agenda(event, request, nick, data if ok else None, detail)
        if do == "list":
            if not ok:
                return [Say(f"Sorry, {nick}, I could not list the issues of {request[1]}: "
                            f"{detail}")]
            if not data:
                return [Say(f"{nick}, I found none in {self.web}/{request[1]}")]
            more = ", and more" if len(data) >= 99 else ""
            return [Say(", ".join(f"#{i['number']}" for i in data) + more)]
        if not ok:
            what = f"{request[1]}#{request[2]}" if do != "create" else f"an issue in {request[1]}"
            return [Say(f"Sorry, {nick}, I could not {do} {what}: {detail}")]
        if do == "comment on":
            return [Say(f"Added a comment -> {data['html_url']}")]
        done = {"create": "Created", "close": "Closed", "reopen": "Reopened"}[do]
        return [Say(f"{done} -> {data['html_url']} {describe(data)}")]

    def _agenda(self, event: Event, request: tuple[str, ...], nick: str,
                issues: list[dict[str, Any]] | None, detail: str) -> list[Answer]:
        repo, label = request[1], request[3]
        if issues is None:
            return [Say(f"Sorry, {nick}, I could not list the issues of {repo}: {detail}")]
        issues = sorted(issues, key=lambda i: int(i["number"]))[:MAX_ITEMS]
        items = [clean(f"{i['title']} -> {i['html_url']}") for i in issues]
        if not items:
            return [Say(f"{nick}, I found no open issue labelled {label} in {self.web}/{repo}")]
        return [*(Say(line) for line in agenda_lines(items)),
                Signal("agenda-loaded", event.channel, (nick, *items))]

    # ---- restarts and dismissal --------------------------------------------------------------

    def recall(self, channel: str, key: str, value: str) -> None:
        if key == "github.state":
            try:
                state = Channel(**json.loads(value))
            except (ValueError, TypeError):
                return  # unreadable: keep what we have rather than crash at start-up
            if _well_typed(state):
                self.channels.put(channel, state)

    def forget(self, channel: str) -> None:
        """Dismissed: gb keeps its repositories and settings (its manual says so)."""
        self.channels.get(channel).said.clear()


def _said(text: str, form: str) -> Say:
    """A reference answer; to a ``q+`` line gb answers in /me, which stays out of the minutes."""
    return Say(text, action=form == "me")


def _due_at(text: str) -> list[tuple[int, int]]:
    """Where each ``- due …`` or ``due …`` starts in an action's text, and its date starts."""
    return [(m.start(), m.end()) for m in
            re.finditer(r"(?:\s+-)?\s+due\s+(?:by\s+|on\s+)?", text, re.IGNORECASE)]


def _well_typed(state: Channel) -> bool:
    """A remembered value is trusted only with the types gb itself writes."""
    def strings(values: object) -> bool:
        return isinstance(values, list) and all(isinstance(v, str) for v in values)

    return (strings(state.repos) and strings(state.ignored)
            and (state.delay is None or type(state.delay) is int)
            and all(type(flag) is bool for flag in (state.on, state.issues, state.names))
            and isinstance(state.aliases, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in state.aliases.items()))
