"""Hypothesis strategies that write whole meeting logs, for differential tests against scribe.perl.

The grammar is the manual's (shared/reference/scribe-conventions.html): every input format it
names (RRSAgent text, Bip, mIRC text, Yahoo, Bert's irssi, Irssi, qwebirc, IRCCloud, Quassel,
plain text) and the CCG logs' tab-separated one, and every convention: scribe/scribenick (with
``+``/``-``, real names, ``*``), chair, present/regrets (``+ - :`` and ``=``), meeting, date,
agenda, previous/next meeting, topic/subtopic (and ``---`` for -dashTopics), speaker lines,
``...``/``…`` and space continuations, ACTION in its three forms, RESOLUTION/RESOLVED,
PROPOSED, ISSUE, straw polls, ``s///`` and ``i///`` (aimed at words said earlier), escapes,
namedAnchorHere, slideset and ``[slide N]``, Repo and gb's commands, GitHub issue references,
verbatim ``` and ``[[ ]]`` (interrupted by others), Zakim/RRSAgent/trackbot/gb lines, queue
and agenda commands, Ralph/Xueyuan/Ivan/markdown links and images, ScribeOptions, the
recording commands, -emphasis markup and math. Text is hostile on purpose: markup, quotes,
URLs (also ``javascript:``), ``$``, backquotes, CJK and the full-width colon ``：``, invisible
and line-separator-like characters, very long lines.

Entry points: ``logs()`` (a log as ``str``), ``log_bytes()`` (the log as the file's bytes, with
``\\n`` or ``\\r\\n`` line ends) and ``cases()`` (``(bytes, options)``). The strategies build a
meeting as ``(nick, text)`` events, then write it in one format; a small log is the common case
(a few dozen lines), since every example runs scribe.perl once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, lru_cache

from hypothesis import strategies as st

Event = tuple[str, str]  # (nick, text said)

NICKS = ("dbooth", "ericn", "Mike_", "jon2", "anssik", "zkis", "kenji", "McCool", "tw",
         "frank", "gigi", "cecilia", "Wilco", "addison", "manu")
HOSTILE_NICKS = ("a|b", "x`y", "[jim]", "q^", "{brace}", "nick-", "ab\\c", "名前", "o'neil",
                 "scribe", "Zakim_", "rrsagent", "*", "gb")
BOTS = ("Zakim", "RRSAgent", "trackbot", "gb", "ghurlbot", "agendabot")
NAMES = ("Jonathan", "Mary", "Barbara_Smith", "Zoltán_Kis", "石井_健二", "Anssi Kostiainen",
         "O'Brien", "Dominique_Hazaël-Massieux", "Jo-Ana", "Mike_", "<b>Bob</b>", "ericn",
         "dbooth", "Présent", "Frank", "Ann", "Kate")
WORDS = ("the", "a", "we", "should", "agree", "think", "issue", "proposal", "spec", "test",
         "Mary", "Marie", "week", "month", "time", "vote", "feature", "X", "lunch", "Frank",
         "syntax", "I", "it", "OK", "maybe", "later", "PR", "API", "review", "and/or", "is",
         "topic", "action", "resolution", "present", "scribe", "silence", "yes", "no", "+1",
         "-1", "0", "works", "fine", "report", "link", "slide", "wall", "2", "42", "#3",
         "LC82", "café", "naïve", "Zürich", "日本語", "中文", "한국어", "🎉", "👍", "«quoted»",
         "—", "…", "ok.", "?", "!", "(aside)", "e.g.", "i.e.", "etc.")
HOSTILE = ('<script>alert("x")</script>', "<b>bold</b>", "&amp;", "&", "a < b && c > d",
           "<img src=x onerror=alert(1)>", "</p><p>", "<!--", "-->", '"quoted"', "'single'",
           "it's", "`code`", "```", "``", "\\$2.50",
           "https://www.example.org/ns/w2", "http://example.com/a_b?c=d&e=f#g",
           "<https://example.org/x>", "mailto:a@example.org", "javascript:alert(1)",
           "https://github.com/w3c/scribe2/issues/12", "https://github.com/w3c/scribe2/pull/7",
           "w3c/scribe#3", "transitions#5", "#12", "issue-12", "action-856", "ACTION-3",
           "_underlined_", "/italic/", "*bold*", "*/bold italics/*", "->", "<-", "=>",
           "==>", "<==", "-->", "<--", ":-)", ";-)", ":-(", ":-/", ",-)", "\\o/",
           "：", "话题：议程", "発言：はい", "Ｔｏｐｉｃ：", "\u200b", "\u00a0", "\ufeff",
           "\u00ad", "\u2060", "\u202e", "\u200e", "\t", "  ", "\\", "\\\\n", "|", "//",
           "s/x/y/", "[[", "]]", "[slide 2]", "[Slide 3]", "...", "…", "~", "^", "%s",
           "{{x}}", "{% raw %}", "@@", "+", "-", "=", ":", "::", "a:b", "x=y")
# Math for -emphasis: each formula runs latexmlmath (seconds), in both programs, so it is rare.
MATH = ("$x$", "$$\\sum_1^n x$$", "$", "$5", "${x}", "$\\frac{1}{x}$", "\\$2.50 to $2.99",
        "$$\\sum_1^\\inf{\\frac{1}{x}}$$", "$a<b$", "$$")
# Characters that some readers take as line breaks and others don't (form feed, NEL, U+2028,
# U+2029, the ASCII separators, a lone CR).
SEPARATORS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r")

_word = st.sampled_from(WORDS)
_token = st.one_of(_word, _word, _word, st.sampled_from(HOSTILE),
                   st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                           min_size=1, max_size=6))


@cache  # the same strategy object each time: hypothesis then validates it once
@st.composite
def texts(draw: st.DrawFn, min_words: int = 0, max_words: int = 10) -> str:
    """Free text: words and hostile fragments, now and then a separator character or a very
    long run."""
    words = draw(st.lists(_token, min_size=min_words, max_size=max_words))
    glue = draw(st.sampled_from((" ", " ", " ", " ", "", "  ")))
    text = glue.join(words)
    if draw(st.integers(0, 40)) == 0:
        text += draw(st.sampled_from(SEPARATORS)) + draw(_word)
    if draw(st.integers(0, 150)) == 0:
        text += " " + draw(st.sampled_from(MATH))
    if draw(st.integers(0, 60)) == 0:
        text += " " + " ".join(draw(_word) for _ in range(draw(st.integers(100, 600))))
    return text


@cache
def _one(*choices: str) -> st.SearchStrategy[str]:
    return st.sampled_from(choices)


@cache
def _case(word: str) -> st.SearchStrategy[str]:
    """A keyword as people type it: as written, lower, upper, or mixed case."""
    return st.sampled_from((word, word.lower(), word.upper(), word[:1].upper() + word[1:].lower()))


@lru_cache(maxsize=256)  # bounded: a campaign draws thousands of meetings
def _pick(choices: tuple[str, ...]) -> st.SearchStrategy[str]:
    """One of the meeting's nicks (one strategy object per meeting, not per line)."""
    return st.sampled_from(choices)


_any_nick = st.one_of(st.sampled_from(NICKS), st.sampled_from(NICKS),
                      st.sampled_from(HOSTILE_NICKS))
_name = st.one_of(st.sampled_from(NAMES), st.sampled_from(NICKS))


@cache
@st.composite
def _name_list(draw: st.DrawFn, real_names: bool = False) -> str:
    names = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(_name)
        if real_names and draw(st.booleans()):
            name += draw(_one(" = ", "=", " / ", "/")) + draw(st.sampled_from(NAMES))
        names.append(name)
    return draw(_one(", ", ",", " , ", " ")).join(names)


# --- One line of a convention; each takes the meeting's nicks -------------------------------

Line = Callable[[st.DrawFn, tuple[str, ...]], str]


def _scribe(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    kw = draw(st.one_of(_case("Scribe"), _case("ScribeNick"), _one("scribes")))
    op = draw(_one(": ", ":", " ", "+ ", "+: ", "+", "- ", "-", ":+ ", " : "))
    if draw(st.integers(0, 5)) == 0:
        who = "*"
    elif draw(st.booleans()):
        who = draw(_pick(nicks))
        if draw(st.integers(0, 3)) == 0:
            who += draw(_one("=", " = ", "/", " / ")) + draw(st.sampled_from(NAMES))
    else:
        who = draw(_name_list(real_names=True))
    return f"{kw}{op}{who}"


def _chair(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    kw = draw(st.one_of(_case("Chair"), _one("chairs", "Chairs")))
    return kw + draw(_one(": ", ":", "+ ", "+", "- ", "-", " ")) + draw(_name_list())


def _present(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    kw = draw(st.one_of(_case("Present"), _case("Regrets"), _one("regret", "Regrets", "present")))
    op = draw(_one(": ", ":", "+", "+ ", "+: ", "- ", "-", "-: ", " = ", "=", " + ", ": +", ""))
    return kw + op + draw(_name_list())


def _header(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    kw = draw(st.sampled_from(("Meeting", "meeting", "MEETING", "Date", "date", "Agenda",
                               "agenda", "Previous meeting", "Next meeting", "previous meeting",
                               "Log", "Minutes")))
    sep = draw(_one(": ", ":", " : ", "："))
    value = draw(st.one_of(
        texts(0, 6), _one("05 Dec 2002", "2024-03-07", "7 March 2024", "2024/03/07", "today",
                          "31 Feb 2023", "1 janvier 2024", "March 7, 2024"),
        _one("https://www.example.com/agenda.html", "http://example.org/20180918",
             "https://www.w3.org/2024/03/07-wg-minutes.html", "-> https://example.org/a agenda",
             "https://example.org/agenda <b>x</b>", "javascript:alert(1)")))
    return f"{kw}{sep}{value}"


def _topic(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    kw = draw(st.one_of(_case("Topic"), _case("Subtopic"), _one("sub-topic", "Sub topic")))
    sep = draw(_one(": ", ":", " : ", "：", " "))
    value = draw(st.one_of(texts(1, 6), _one(
        "Discuss https://github.com/w3c/scribe2", "https://github.com/w3c/webnn/issues/5",
        "Review of Action Items", "<i>markup</i> & more", "Issue LC82")))
    return f"{kw}{sep}{value}"


def _speaker(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    who = draw(st.one_of(st.sampled_from(NAMES), _pick(nicks), _one("Mike", "ralph")))
    sep = draw(_one(": ", ": ", ":", " : ", "： ", "："))
    return f"{who}{sep}{draw(texts(1, 10))}"


def _continuation(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    lead = draw(_one("... ", "...", "… ", "…", " ... ", "  ", " ", ".... ", "... ... "))
    return lead + draw(texts(0, 8))


def _action(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    kw = draw(st.one_of(_case("ACTION"), _one("action-12", "[PENDING] ACTION", "actions")))
    who = draw(st.one_of(st.sampled_from(NAMES), _pick(nicks),
                         _one("Frank, Mary and Kate", "Ann", "Fred")))
    form = draw(_one("{kw}: {who} to {body}", "{kw} {who}: {body}", "{kw} {who} to {body}",
                     "{kw}:{who} to {body} [PENDING]", "{kw}: {body}"))
    return form.format(kw=kw, who=who, body=draw(texts(1, 6)))


def _decision(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    kw = draw(st.one_of(_case("RESOLUTION"), _case("RESOLVED"), _case("PROPOSED"),
                        _case("PROPOSAL"), _case("ISSUE"), _case("Summary"),
                        _one("proposed resolution", "PROPOSED RESOLUTION", "STRAWPOLL",
                             "straw poll", "Strawpoll", "DRAFT RESOLUTION", "Resolved")))
    sep = draw(_one(": ", ":", " : ", " "))
    return f"{kw}{sep}{draw(texts(0, 8))}"


def _vote(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    return draw(_one("+1", "-1", "0", "+0", "+1 to the proposal", "-0.5", "+1000", "+q", "+1 :-)"))


def _escape(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    return "\\" + draw(st.one_of(_one("Topic: same as Subject", "Ben: a name", "Action: a noun",
                                      "s/week/month/", "scribe+", "present + Jan", "\\n = newline",
                                      "\\t = tab", "---", "```"), texts(0, 4)))


def _anchor(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    kw = draw(st.one_of(_case("NamedAnchorHere"), _one("namedAnchorHere")))
    name = draw(st.one_of(_one("foo", " foo bar ", "x12", "toc", "meeting", "attendees",
                               "links", "resolutionsummary", "actionsummary", "a<b", "日本",
                               "", "x1", "ActionSummary"), texts(0, 3)))
    return f"{kw}:{draw(_one(' ', '', '  '))}{name}"


def _slides(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    # no Google Slides URL: for one, scribe.perl downloads a PDF export over the network
    if draw(st.booleans()):
        url = draw(_one("https://www.w3.org/Talks/Tools/b6plus/", "https://example.org/s.pdf",
                        "-> my slides https://www.w3.org/Talks/Tools/b6plus/", "not a url",
                        "javascript:alert(1)", ""))
        return draw(_one("Slideset: ", "slideset:", "Slides: ", "SlideSet: ")) + url
    return draw(_one("[Slide ", "[slide ", "[ slide ", "[SLIDE ")) + draw(
        _one("1", "2", "10", "0", "x", "2-3")) + draw(_one("]", "]", "] and more", ""))


def _repo(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    kw = draw(_one("Repo", "repo", "Repos", "repository", "Repositories"))
    op = draw(_one(": ", ":", "+ ", "+", "- ", "-", " : "))
    repos = draw(st.lists(_one("w3c/scribe", "transitions", "webn/drafts", "docs", "w3c/scribe2",
                               "https://gitlab.example.com/foo/bar", "baz", "w3c/webnn",
                               "https://github.com/w3c/csswg-drafts/"), max_size=3))
    if draw(st.integers(0, 3)) == 0:
        bot = draw(_one("ghurlbot", "gb", "GB", "ghurlbot_"))
        return bot + draw(_one(", this is ", ", drop ", ", use ", ", discussing ")) + draw(
            _one("https://gitlab.example.com/foo/bar", "baz", "w3c/scribe2", "webnn"))
    return kw + op + ", ".join(repos)


def _issue_ref(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    ref = draw(_one("w3c/scribe#3", "transitions#5", "#3", "drafts#7", "tests#1", "#12345",
                    "foo/bar#0", "a#b", "#x", "https://github.com/w3c/scribe2/issues/12",
                    "issue #3", "(#4)", "#3,#4", "w3c/scribe#3#4"))
    return f"{draw(texts(0, 3))} {ref} {draw(texts(0, 3))}".strip()


def _link(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    url = draw(_one("https://www.example.org/ns/w2", "https://www.example.org/ns/w2.jpg",
                    "http://example.com/a_b?c=d&e=f#g", "mailto:a@example.org",
                    "javascript:alert(1)", "https://example.org/\"q\"", "ftp://x.example/y",
                    "https://example.org/" + "long/" * 20 + "end.html", "https://例え.jp/パス",
                    "www.example.org", "https://example.org/a)b"))
    label = draw(st.one_of(texts(1, 3), _one('"wall 2"', "'wall 2'", "wall 2", "<b>x</b>")))
    arrow = draw(_one("->", "-->", "->", " -> "))
    form = draw(_one("{arrow} {url} {label}", "{label} {arrow} {url}", "{url} {arrow} {label}",
                     "{arrow} {label} {url}", "See [{label}]({url}) and more", "![{label}]({url})",
                     "{before} {url} {after}"))
    return form.format(arrow=arrow, url=url, label=label, before=draw(texts(0, 3)),
                       after=draw(texts(0, 3)))


def _scribe_options(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    opts = draw(st.lists(_one("-implicit", "-dashTopics", "-final", "-embedDiagnostics",
                              "-nokeepLines", "-keepLines", "-noUseZakimTopics", "-emphasis",
                              "-urlDisplay shorten", "-urlDisplay full", "-scribeOnly",
                              "-allowSpace", "-noEmbed", "-foo", "--final", "-collapseLimit 1",
                              "-nogithubIssues", "-noghurlbot", "-member", "-team", "-fancy",
                              "-scribenick frank"), max_size=3))
    # no -logo, -mathjax, -islide or -stylesheet: agendum deliberately takes those from the
    # command line only (README; test_scribeoptions_inject_nothing pins it)
    return draw(_one("ScribeOptions: ", "scribeoptions:", "SCRIBEOPTIONS: ")) + " ".join(opts)


def _recording(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    return draw(_one("Recording: https://youtu.be/PjpACM_6IgM",
                     "Recording: -> https://youtu.be/PjpACM_6IgM April meeting video",
                     "recording: javascript:alert(1)", "Recording is starting",
                     "Recording started at :05", "Recording ends", "Recording ended at :55",
                     "recording started", "Recording started at 14:05", "Recording: "))


def _command(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    """Zakim's queue and agenda commands, RRSAgent's, and near misses."""
    return draw(st.one_of(_one(
        "q+", "q+ to ask about x", "q-", "q?", "ack bob", "ack", "queue?", "+q", "qq+",
        "agenda+ Update from the TF", "agenda?", "zakim, take up agendum 2", "next agendum",
        "close this agendum", "zakim, end meeting", "zakim, start meeting", "Zakim, q+",
        "rrsagent, make logs public", "rrsagent, draft minutes", "RRSAgent, bye",
        "zakim, who is here?", "open item 3", "take up item 2", "agenda: https://e.org/a",
        "zakim, close the queue", "present+ Zakim", "rrsagent, where am i?"),
        _pick(nicks).map(lambda n: f"ack {n}")))


def _emphasis(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    parts = draw(st.lists(_one("_underlined_", "/italic/", "*bold*", "`mono`", "*/both/*",
                               "a_b_c", "http://x/a/b/", "->", "<=",
                               ":-)", "\\o/", "word", "*", "_", "/", "`"), min_size=1, max_size=6))
    return " ".join(parts)


def _dash(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    return draw(_one("---", "----", "--", "---  ", " --- ", "-- x"))


def _aside(draw: st.DrawFn, nicks: tuple[str, ...]) -> str:
    """The scribe speaking as themselves: ``<nick> text``."""
    return f"<{draw(_pick(nicks))}> {draw(texts(0, 4))}"


LINES: dict[str, Line] = {
    "scribe": _scribe, "chair": _chair, "present": _present, "header": _header,
    "topic": _topic, "speaker": _speaker, "continuation": _continuation, "action": _action,
    "decision": _decision, "vote": _vote, "escape": _escape, "anchor": _anchor,
    "slides": _slides, "repo": _repo, "issue_ref": _issue_ref, "link": _link,
    "scribe_options": _scribe_options, "recording": _recording, "command": _command,
    "emphasis": _emphasis, "dash": _dash, "aside": _aside,
}
# How often each is said, out of the sum: speaker lines and continuations dominate, as in a call.
WEIGHTS = {"speaker": 14, "continuation": 8, "topic": 3, "present": 3, "scribe": 2,
           "command": 3, "link": 2, "action": 2, "decision": 2, "issue_ref": 2}
_KINDS = [k for k in LINES for _ in range(WEIGHTS.get(k, 1))]

# --- Bots -----------------------------------------------------------------------------------


def _bot_line(draw: st.DrawFn, nicks: tuple[str, ...]) -> Event:
    bot = draw(st.sampled_from(BOTS))
    who = draw(_pick(nicks))
    n = draw(st.integers(1, 12))
    said = {
        "Zakim": (f"agendum {n} -- {draw(texts(1, 5))} -- taken up [from {who}]",
                  f"As of this point the attendees have been {draw(_name_list())}",
                  f"I see {who} on the speaker queue", "I see no one on the speaker queue",
                  f"agendum {n} added", "RRSAgent, please draft minutes",
                  f"+{who}", f"{who}, you wanted to {draw(texts(1, 4))}",
                  "RRSAgent, make logs Public", "inviting RRSAgent",
                  f"Attendees were {draw(_name_list())}", f"ok, {who}"),
        "RRSAgent": ("logging to https://www.w3.org/2024/03/07-wg-irc",
                     "I have made the request to generate "
                     f"https://www.w3.org/2024/03/07-wg-minutes.html {who}",
                     "See https://www.w3.org/2002/11/07-ws-arch-irc#T13-59-36",
                     f"I'm logging. I don't understand '{draw(texts(1, 3))}', {who}.  Try /msg "
                     "RRSAgent help", "logging to https://www.w3.org/2021/04/20-fleague-irc"),
        "trackbot": (f"action-{n} -- Richard Ishida to Check the time planner -- due "
                     "2020-02-27 -- OPEN", f"Created ACTION-{n} - {draw(texts(1, 4))}",
                     "Meeting: Example WG Teleconference", "Date: 07 March 2024",
                     f"Sorry, {who}, I don't understand 'trackbot, x'."),
        "gb": (f"https://github.com/w3c/scribe2/issues/{n} -> Issue {n} {draw(texts(1, 4))} "
               f"(by {who}) [label]", f"Created -> action #{n} https://github.com/w3c/x/"
               f"issues/{n}", f"{who}, OK.", "https://github.com/w3c/x/pull/3 -> Pull Request 3 "
               "fix (by a) [editorial]"),
    }.get(bot, (draw(texts(1, 6)),))
    return bot, draw(st.sampled_from(said))


# --- Blocks: the conventions in context -----------------------------------------------------


@lru_cache(maxsize=256)
@st.composite
def _block(draw: st.DrawFn, nicks: tuple[str, ...], scribe: str) -> list[Event]:
    """A few events: a lone line by the scribe or someone else, a speaker with continuations,
    a verbatim block (with someone else interrupting), a straw poll, a bot's answer."""
    form = draw(st.integers(0, 9))
    if form == 0:  # verbatim, maybe interrupted, maybe unterminated
        fence = draw(_one("```", "[[", " ``` ", "[[ "))
        who = draw(_pick((scribe, scribe, *nicks)))
        body = [(who, fence)]
        for _ in range(draw(st.integers(0, 4))):
            if draw(st.integers(0, 3)) == 0:
                body.append((draw(_pick(nicks)), draw(texts(1, 3))))
            kind = draw(st.sampled_from(_KINDS))
            body.append((who, LINES[kind](draw, nicks)))
        if draw(st.integers(0, 6)):
            body.append((who, {"```": "```", "[[": "]]"}[fence.strip()]))
        return body
    if form == 1:  # a speaker and continuations, as -implicit or -allowSpace logs have them
        lines = [(scribe, _speaker(draw, nicks))]
        for _ in range(draw(st.integers(0, 4))):
            implicit = draw(st.booleans())
            lines.append((scribe, draw(texts(1, 6)) if implicit else _continuation(draw, nicks)))
        return lines
    if form == 2:  # a straw poll and its votes
        poll = [(scribe, f"{draw(_one('STRAWPOLL', 'straw poll', 'PROPOSED'))}: "
                         f"{draw(texts(1, 5))}")]
        poll += [(n, _vote(draw, nicks)) for n in draw(st.lists(_pick(nicks),
                                                                max_size=4))]
        return poll
    if form == 3:
        return [_bot_line(draw, nicks)]
    if form == 4:  # dash topic: a dash line, then the title
        return [(scribe, _dash(draw, nicks)), (scribe, draw(texts(1, 5)))]
    who = scribe if draw(st.integers(0, 3)) else draw(_pick(nicks))
    kind = draw(st.sampled_from(_KINDS))
    events = [(who, LINES[kind](draw, nicks))]
    if kind in ("action", "decision", "topic") and draw(st.booleans()):
        events.append((who, _continuation(draw, nicks)))
    return events


def _edit(draw: st.DrawFn, before: Sequence[Event]) -> str:
    """An ``s///`` or ``i///`` aimed at a word said before it (or, now and then, at nothing)."""
    said = [w for _, text in before for w in text.split() if w]
    aimed = bool(said) and draw(st.integers(0, 5)) > 0
    old: str = draw(st.sampled_from(said)) if aimed else draw(_word)
    if draw(st.integers(0, 4)) == 0 and len(old) > 2:
        start = draw(st.integers(0, len(old) - 2))
        old = old[start:start + draw(st.integers(1, len(old) - start))]
    new = draw(st.one_of(texts(0, 2), _one("", "Marie", "Topic: Inserted", "http://x.org/p/",
                                           "a/b", "x|y", "ACTION: joe to fix")))
    delim = draw(_one("/", "/", "|"))
    if draw(st.integers(0, 4)) == 0:
        return f"i{delim}{old}{delim}{new}{draw(_one('', delim))}"
    flag = draw(_one("", "", "/", "/g", "/G", "//", "/ ", "/x"))
    if delim == "|":
        flag = flag.replace("/", "|")
    return f"{draw(_one('s', 's', 'S', ' s'))}{delim}{old}{delim}{new}{flag}"


@st.composite
def meetings(draw: st.DrawFn, max_blocks: int = 25) -> list[Event]:
    """A meeting as ``(nick, text)`` events: a preamble of bots and header commands, then blocks
    of conventions, with edits that refer to what was said before them."""
    nicks = tuple(draw(st.lists(_any_nick, min_size=1, max_size=5, unique=True)))
    scribe = draw(_pick(nicks))
    events: list[Event] = []
    if draw(st.integers(0, 2)):
        events.append(("RRSAgent", "logging to https://www.w3.org/"
                       f"{draw(_one('2024/03/07', '2002/11/07', '1999/12/31'))}-wg-irc"))
    for kind in draw(st.lists(_one("scribe", "header", "chair", "present"), max_size=5)):
        events.append((draw(_pick(nicks)), LINES[kind](draw, nicks)))
    for _ in range(draw(st.integers(0, max_blocks))):
        events += draw(_block(nicks, scribe))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(events)))
        events.insert(at, (draw(_pick((scribe, *nicks))), _edit(draw, events[:at])))
    return events


# --- Writing the meeting in one input format ------------------------------------------------

Writer = Callable[[st.DrawFn, Sequence[Event]], list[str]]


def _clock(draw: st.DrawFn, n: int) -> list[tuple[int, int, int]]:
    """``n`` times of day that only go forward (and may wrap past midnight)."""
    t = draw(st.integers(0, 86399))
    times = []
    for _ in range(n):
        t = (t + draw(st.sampled_from((0, 1, 5, 17, 60, 600)))) % 86400
        times.append((t // 3600, t // 60 % 60, t % 60))
    return times


def _noise(draw: st.DrawFn, lines: list[str], extra: tuple[str, ...],
           blank: bool = True) -> list[str]:
    """The format's own lines (joins, /me, server messages) and empty lines, here and there
    (rarely for a format that has no empty lines, IRCCloud: one makes the log another format)."""
    blanks = ("", "  ") if blank or draw(st.integers(0, 9)) == 0 else ()
    if not (choices := (*extra, *blanks)):
        return lines
    for _ in range(draw(st.integers(0, 3))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(choices)))
    return lines


def _rrsagent(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    stamped = draw(st.integers(0, 5))
    out = []
    for (h, m, s), (nick, text) in zip(_clock(draw, len(events)), events, strict=True):
        ts = f"{h:02}:{m:02}:{s:02} " if stamped and draw(st.integers(0, 20)) else ""
        out.append(f"{ts}<{nick}> {text}")
    return _noise(draw, out, ("<jfm> jfm has joined #foo", "<x> x has left #foo"))


def _ccg(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    out = [f"[2020-03-24T{h:02}:{m:02}:{s:02}.{draw(st.integers(0, 999)):03}Z]\t<{nick}>\t{text}"
           for (h, m, s), (nick, text) in zip(_clock(draw, len(events)), events, strict=True)]
    return _noise(draw, out, ())


def _bip(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    out = []
    for (h, m, s), (nick, text) in zip(_clock(draw, len(events)), events, strict=True):
        ts = f"27-02-2020 {h:02}:{m:02}:{s:02}"
        own = draw(st.integers(0, 8)) == 0
        out.append(f"{ts} > {nick}: {text}" if own else f"{ts} < {nick}!~{nick}@team.cloak: {text}")
    return _noise(draw, out, ("27-02-2020 15:04:54 -!- JcK!~JcK@team.cloak has joined #i18n",
                              "27-02-2020 15:05:22 < * trackbot!trackbot@team.cloak is looking"))


def _mirc(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    out = []
    for nick, text in events:
        words = text.split(" ")
        if len(words) > 3 and draw(st.integers(0, 3)) == 0:  # mIRC breaks long lines
            cut = draw(st.integers(1, len(words) - 1))
            out += [f"<{nick}> {' '.join(words[:cut])}", " " + " ".join(words[cut:])]
        else:
            out.append(f"<{nick}> {text}")
    if draw(st.booleans()):
        out = ["Start of #wg buffer: Thu Mar 07 15:00:00 2024", *out, "End of #wg buffer"]
    return _noise(draw, out, ("* dbooth waves", " * Zakim sees no one"))


def _yahoo(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    return _noise(draw, [f"{nick}: {text}" for nick, text in events], ())


def _bert_irssi(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    out = [f"{h:02}:{m:02} {draw(_one('', ' ', '@', '+'))}{nick:>13} | {text}"
           for (h, m, _), (nick, text) in zip(_clock(draw, len(events)), events, strict=True)]
    return ["--- Log opened Thu Mar 19 12:57:23 2015", *_noise(draw, out, (
        "12:57       «Users» | 23 nicks (0 ops, 0 halfops, 0 voices, 23 normal",
        "13:08             * | koalie veronica :D",
        "13:08           --> | naomi_ (naomi@team.cloak) has joined &global",
        "13:13        «Quit» | naomi (naomi@team.cloak) has signed off (Ping timeout)"))]


def _irssi(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    out = [f"2003-12-18T{h:02}:{m:02}:{s:02}Z{draw(_one(' ', '  '))}<{nick}> {text}"
           for (h, m, s), (nick, text) in zip(_clock(draw, len(events)), events, strict=True)]
    return _noise(draw, out, ("2003-12-18T16:02:59Z -!- koalie [c@team.cloak] has joined &weum",
                              "2003-12-18T16:38:58Z  * koalie hears Steve", "--- Day changed"))


def _qwebirc(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    out = [f"[{h:02}:{m:02}] <{nick}> {text}"
           for (h, m, _), (nick, text) in zip(_clock(draw, len(events)), events, strict=True)]
    return _noise(draw, out, ("[09:59] == Wilco [~Wilco@4a714a7c.public.cloak] has joined #act-r",
                              "[10:00] * Zakim notes agendum 1 added"))


def _irccloud(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    out = [f"[2020-07-23 {h:02}:{m:02}:{s:02}] <{nick}> {text}"
           for (h, m, s), (nick, text) in zip(_clock(draw, len(events)), events, strict=True)]
    return ["#wcag-act", *_noise(draw, out, (
        "[2020-07-21 17:28:44] → Joined channel #wcag-act",
        "[2020-07-21 18:21:09] ⇐ shadi quit (shadi@815ad96c.team.cloak): \"Leaving\"",
        "[2020-07-23 14:57:43] → Wilco joined (~Wilco@ef89345d.public.cloak)",
        "[2020-07-23 14:58:28] — Zakim notes agendum 1 added",
        "[2020-07-27 16:55:24] * shadi_ → shadi"), blank=False)]


def _quassel(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    style = draw(st.integers(0, 3))
    out = []
    for (h, m, s), (nick, text) in zip(_clock(draw, len(events)), events, strict=True):
        stamp = (f"{h:02}:{m:02}", f"20.04.2021 {h:02}:{m:02}:{s:02}",
                 f"{h % 12 or 12}:{m:02} {'pm' if h >= 12 else 'am'}", f"{h}.{m:02}")[style]
        out.append(f"[{stamp}] <{nick}> {text}")
    return _noise(draw, out, (
        "[01:09] <-- borisjohn (borisjohn@899c7108.team.cloak) has quit (Ping timeout)",
        "[08:50] --> raul (raul@899c7108.team.cloak) has joined &fleague",
        "[11:00] -*- kolec still on another call", "[11:02] * zakim has been invited",
        "[11:03] <-> a is now known as b", "[11:04] *** Mode &x +o", "[11:05] - {Day changed}"))


def _plain(draw: st.DrawFn, events: Sequence[Event]) -> list[str]:
    return _noise(draw, [text for _, text in events], ())


FORMATS: dict[str, Writer] = {
    "rrsagent": _rrsagent, "bip": _bip, "mirc": _mirc, "yahoo": _yahoo,
    "bert_irssi": _bert_irssi, "irssi": _irssi, "qwebirc": _qwebirc, "irccloud": _irccloud,
    "quassel": _quassel, "plain": _plain, "ccg": _ccg,
}


@st.composite
def logs(draw: st.DrawFn, formats: tuple[str, ...] = tuple(FORMATS), max_blocks: int = 25) -> str:
    """A whole log in one of ``formats`` (RRSAgent's, the recommended one, most often)."""
    name = draw(st.sampled_from(("rrsagent", "rrsagent", *formats)) if "rrsagent" in formats
                else st.sampled_from(formats))
    lines = FORMATS[name](draw, draw(meetings(max_blocks)))
    return "\n".join(lines) + draw(_one("\n", "\n", "", "\n\n"))


@st.composite
def log_bytes(draw: st.DrawFn, formats: tuple[str, ...] = tuple(FORMATS),
              max_blocks: int = 25) -> bytes:
    """A log as the bytes of a file: UTF-8, with LF or (now and then) CRLF line ends."""
    text = draw(logs(formats, max_blocks))
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("\n", "\r\n")
    return text.encode("utf-8")


# Option sets for generated logs: the defaults and the options that change how input is read.
GENERATED_OPTION_SETS: tuple[tuple[str, ...], ...] = (
    ("-embedDiagnostics",), (), ("-implicit",), ("-allowSpace",), ("-dashTopics",),
    ("-emphasis",), ("-scribeOnly",), ("-nokeepLines",), ("-noUseZakimTopics",),
    ("-urlDisplay", "shorten"), ("-embedDiagnostics", "-implicit", "-emphasis"),
)


def cases(option_sets: Sequence[tuple[str, ...]] = GENERATED_OPTION_SETS
          ) -> st.SearchStrategy[tuple[bytes, tuple[str, ...]]]:
    """``(log, options)`` pairs for the fuzz campaign."""
    return st.tuples(log_bytes(), st.sampled_from(tuple(option_sets)))
