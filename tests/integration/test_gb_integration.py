"""gb and AgendaBot through a real IRC server, with agendum as a real process and a real local
HTTP server answering like GitHub's API (``tests/support/fake_github.py``): lookups and their
failures, the delay, topic and ``q+`` forms, creating and closing issues, loading an agenda
(which survives a ``kill -9``), and the minutes' titled link for a topic naming an issue.
No test here reaches the internet."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.daemon import AgendumProcess
from tests.support.fake_github import FakeGitHub
from tests.support.ircclient import IrcTestClient
from tests.support.live import (
    BOT_JOIN,
    CHANNEL,
    BotFactory,
    ClientFactory,
    wait_bots,
    zakim_says,
)

pytestmark = pytest.mark.integration
TOKEN = "sekrit-token-1234"
NICKS = ("Zakim", "RRSAgent", "gb")


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub(token=TOKEN)
    fake.start()
    fake.add_issue("w3c/webnn", 240, "Candidate Recommendation readiness tracker",
                   labels=["process"])
    fake.add_issue("w3c/webnn", 241, "Help make better topics", author="pchampin",
                   state="closed")
    fake.add_issue("w3c/webnn", 242, "Rename inputSize", author="inexorabletash")
    fake.add_issue("w3c/webnn", 7, "First agenda topic", labels=["agenda+"])
    fake.add_issue("w3c/webnn", 9, "Second agenda topic", labels=["Agenda+", "editorial"])
    fake.add_issue("w3c/secret", 1, "Hidden plans", author="boss")
    fake.repos["w3c/secret"].private = True
    yield fake
    fake.stop()


def start(agendum_factory: BotFactory, github: FakeGitHub, *, token: str = TOKEN,
          timeout: float = 2.0) -> AgendumProcess:
    return agendum_factory(github=f'api_url = "{github.base}"\nweb_url = "{github.base}"\n'
                                  f'token = "{token}"\ntimeout_seconds = {timeout}\n'
                                  "fetch_private_hosts = true")  # the fake is on 127.0.0.1


def present(irc_client_factory: ClientFactory, nick: str) -> IrcTestClient:
    client = irc_client_factory(nick)
    client.join(CHANNEL)
    wait_bots(client, nicks=NICKS)
    return client


def gb(client: IrcTestClient, pattern: str | None = None, timeout: float = 5.0) -> str:
    """gb's next line in the channel (``* text`` for a /me line)."""
    line = client.wait_for(nick="gb", command="PRIVMSG", target=CHANNEL, text=pattern,
                           timeout=timeout)
    return f"* {line.action_text}" if line.is_action else line.text


def using_webnn(client: IrcTestClient, github: FakeGitHub) -> None:
    client.say(CHANNEL, "gb, use w3c/webnn")
    assert gb(client, "^OK") == f"OK, I'm using {github.base}/w3c/webnn"


def test_lookups_forms_delay_and_failures(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, github: FakeGitHub,
) -> None:
    start(agendum_factory, github, timeout=1.0)
    joe = present(irc_client_factory, "joe")
    using_webnn(joe, github)
    url = f"{github.base}/w3c/webnn/issues"

    joe.say(CHANNEL, "joe: our CR readiness tracker #240 shows all green")
    assert gb(joe) == (f"{url}/240 -> Issue 240 Candidate Recommendation readiness tracker "
                       "(by anssiko) [process]")
    joe.say(CHANNEL, "still about #240")  # within the delay: gb stays quiet
    joe.say(CHANNEL, "topic: about webnn#241")  # a topic line: the form scribe.perl applies
    assert gb(joe) == ("s|webnn#241|-> CLOSED Issue 241 Help make better topics (by pchampin) "
                       f"{url}/241|")
    joe.say(CHANNEL, "q+ to discuss #242")  # a q+ line: /me, which stays out of the minutes
    assert gb(joe) == f"* {url}/242 -> Issue 242 Rename inputSize (by inexorabletash)"
    joe.say(CHANNEL, "gb, #240?")  # addressed: the delay does not apply
    assert gb(joe).startswith(f"{url}/240 -> Issue 240 ")

    joe.say(CHANNEL, "and #999")  # not found: just the URL
    assert gb(joe) == f"{url}/999 -> #999"
    joe.say(CHANNEL, "see w3c/secret#1")  # private, but our token may read it
    assert gb(joe) == f"{github.base}/w3c/secret/issues/1 -> Issue 1 Hidden plans (by boss)"
    joe.say(CHANNEL, "mail joe@example.com, or ask @aliciag")
    assert gb(joe) == f"{github.base}/aliciag -> @aliciag"

    github.rate_limit_until = time.time() + 60  # GitHub says: no more until then
    joe.say(CHANNEL, "what about #243")
    assert gb(joe) == f"{url}/243 -> #243"
    asked = len(github.requests)
    joe.say(CHANNEL, "or #244")  # while limited, gb does not even ask
    assert gb(joe) == f"{url}/244 -> #244"
    assert len(github.requests) == asked
    github.rate_limit_until = None

    github.delay = 3.0  # GitHub hangs; gb answers after its 1 s timeout, Zakim at once
    joe.say(CHANNEL, "slow #245")
    joe.say(CHANNEL, "Zakim, q?")
    began = time.monotonic()
    zakim_says(joe, "speaker queue")
    assert time.monotonic() - began < 1.0
    assert gb(joe) == f"{url}/245 -> #245"
    assert time.monotonic() - began < 2.5


def test_creating_closing_and_commenting(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, github: FakeGitHub,
) -> None:
    start(agendum_factory, github)
    joe = present(irc_client_factory, "joe")
    using_webnn(joe, github)
    repo = github.repos["w3c/webnn"]

    joe.say(CHANNEL, "Issue: is the default 1 or 0?")
    created = gb(joe, "^Created")
    number = max(repo.issues)
    assert repo.issues[number]["title"] == "is the default 1 or 0?"
    assert "Opened by joe via IRC channel #meeting" in repo.issues[number]["body"]
    assert created == (f"Created -> {github.base}/w3c/webnn/issues/{number} Issue {number} "
                       "is the default 1 or 0? (by agendum-bot)")

    joe.say(CHANNEL, "action alex, kylie: review chapter 1 - due 2031-06-03")
    gb(joe, "^Created")
    action = repo.issues[max(repo.issues)]
    assert action["title"] == "review chapter 1"
    assert [a["login"] for a in action["assignees"]] == ["alex", "kylie"]
    assert [label["name"] for label in action["labels"]] == ["action"]
    assert "Due: 2031-06-03" in action["body"]

    joe.say(CHANNEL, f"close #{number}")
    assert gb(joe, "^Closed").startswith(f"Closed -> {github.base}/w3c/webnn/issues/{number}")
    assert repo.issues[number]["state"] == "closed"
    joe.say(CHANNEL, f"reopen webnn#{number}")
    gb(joe, "^Reopened")
    assert repo.issues[number]["state"] == "open"
    joe.say(CHANNEL, f"note #{number}: discussed on the call")
    assert gb(joe, "^Added a comment -> ").endswith(f"/issues/{number}#issuecomment-1")
    assert github.comments[("w3c/webnn", number)] == ["discussed on the call"]

    joe.say(CHANNEL, "gb, ignore mallory")
    gb(joe, "^OK")
    mallory = present(irc_client_factory, "mallory")
    mallory.say(CHANNEL, f"close #{number}")
    joe.say(CHANNEL, "gb, status")  # gb answers in order: nothing came before the status
    assert gb(joe).startswith("Delay is 15 lines")
    assert repo.issues[number]["state"] == "open"

    github.repos["w3c/webnn"].push = set()  # our token loses its write access
    joe.say(CHANNEL, "close #240")
    assert gb(joe, "^Sorry").startswith("Sorry, joe, I could not close w3c/webnn#240: ")
    assert repo.issues[240]["state"] == "open"


def test_without_a_token_gb_looks_up_but_never_writes(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, github: FakeGitHub,
) -> None:
    start(agendum_factory, github, token="")
    joe = present(irc_client_factory, "joe")
    using_webnn(joe, github)
    joe.say(CHANNEL, "Issue: nobody may file this")
    assert gb(joe) == "Sorry, joe, I can't create issues: no GitHub token is configured"
    joe.say(CHANNEL, "close #240")
    assert gb(joe) == "Sorry, joe, I can't close issues: no GitHub token is configured"
    joe.say(CHANNEL, "see #242")
    assert gb(joe).endswith("-> Issue 242 Rename inputSize (by inexorabletash)")
    joe.say(CHANNEL, "see w3c/secret#1")  # private: GitHub answers 404 without a token
    assert gb(joe) == f"{github.base}/w3c/secret/issues/1 -> #1"
    assert all(method == "GET" for method, _, _ in github.requests)
    assert not any("authorization" in headers for _, _, headers in github.requests)


AGENDA_PAGE = """<!doctype html><html><body><h1>WebML WG call</h1>
<h2>Agenda</h2><ol><li>Welcome <b>&amp;</b> intros</li><li>WebNN <script>x()</script>review</li>
<li>AOB</li></ol></body></html>"""


def test_agenda_loading_survives_a_crash(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, github: FakeGitHub,
) -> None:
    github.documents["/agendas/2024-03-07.html"] = (AGENDA_PAGE, "text/html; charset=utf-8")
    bot = start(agendum_factory, github)
    joe = present(irc_client_factory, "joe")
    joe.say(CHANNEL, f"agenda: {github.base}/agendas/2024-03-07.html")
    assert [gb(joe) for _ in range(4)] == [
        "clear agenda", "agenda+ Welcome & intros", "agenda+ WebNN review", "agenda+ AOB"]
    joe.say(CHANNEL, "Zakim, agenda?")
    assert zakim_says(joe, "remaining") == "I see 3 items remaining on the agenda:"
    assert zakim_says(joe, "^1\\.") == "1. Welcome & intros [from joe]"

    bot.kill()  # the agenda came from an answer stored as an event: replay rebuilds it
    joe.wait_for(command="QUIT", nick="Zakim", timeout=BOT_JOIN)
    joe.drain()
    bot.start()
    joe.wait_for(command="JOIN", nick="Zakim", target=CHANNEL, timeout=BOT_JOIN)
    joe.say(CHANNEL, "Zakim, agenda?")
    assert zakim_says(joe, "remaining", timeout=10) == "I see 3 items remaining on the agenda:"
    assert zakim_says(joe, "^3\\.") == "3. AOB [from joe]"

    joe.say(CHANNEL, f"agenda: {github.base}/agendas/missing.html")
    assert gb(joe) == (f"Sorry, joe, I could not read the agenda at "
                       f"{github.base}/agendas/missing.html: no document at that URL")

    wait_bots(joe, nicks=NICKS)
    using_webnn(joe, github)
    joe.say(CHANNEL, "gb, find agenda")
    issues = f"{github.base}/w3c/webnn/issues"
    assert [gb(joe) for _ in range(3)] == [
        "clear agenda", f"agenda+ First agenda topic -> {issues}/7",
        f"agenda+ Second agenda topic -> {issues}/9"]
    joe.say(CHANNEL, "Zakim, take up agendum 2")
    zakim_says(joe, "taken up")

    github.add_issue("w3c/webnn", 50, "Agenda for 2024-03-07",
                     body="## Agenda\n\n1. Intro\n2. [Triage](https://example.org) #12\n\nBye")
    joe.say(CHANNEL, f"agenda: {issues}/50")  # a GitHub issue, read through the API
    assert [gb(joe) for _ in range(3)] == ["clear agenda", "agenda+ Intro", "agenda+ Triage #12"]


def test_a_topic_naming_an_issue_is_a_titled_link_in_the_minutes(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, github: FakeGitHub,
) -> None:
    bot = start(agendum_factory, github)
    joe = present(irc_client_factory, "joe")
    using_webnn(joe, github)
    joe.say(CHANNEL, "scribe: joe")
    joe.say(CHANNEL, "topic: CR readiness #240")
    gb(joe, "^s\\|")
    joe.say(CHANNEL, "joe: all green")
    joe.say(CHANNEL, "RRSAgent, draft minutes")
    joe.wait_for(nick="RRSAgent", command="PRIVMSG", text="minutes", timeout=10)
    minutes = next(Path(bot.publish_dir).rglob("*-minutes.html")).read_text(encoding="utf-8")
    link = (f'<a href="{github.base}/w3c/webnn/issues/240">Issue 240 Candidate Recommendation '
            "readiness tracker (by anssiko) [process]</a>")
    assert f"CR readiness {link}</h3>" in minutes
    body = minutes[minutes.index("<main"):minutes.index("</main>")]
    assert "s|#240|" not in body  # applied, so gone from the minutes (only the draft's notes)


def test_without_a_gb_nick_zakim_answers_for_gb(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, github: FakeGitHub,
) -> None:
    agendum_factory(bot_extra='gb_nick = ""',
                    github=f'api_url = "{github.base}"\nweb_url = "{github.base}"')
    joe = irc_client_factory("joe")
    joe.join(CHANNEL)
    wait_bots(joe)
    joe.say(CHANNEL, "Zakim, use w3c/webnn")
    assert zakim_says(joe, "^OK") == f"OK, I'm using {github.base}/w3c/webnn"
    joe.say(CHANNEL, "see #242")
    assert zakim_says(joe, "242").endswith("-> Issue 242 Rename inputSize (by inexorabletash)")
    joe.say(CHANNEL, "Zakim, blah")  # one answer from the shared nick, not two
    assert zakim_says(joe, "understand").startswith("I don't understand 'blah', joe")
    joe.assert_no(nick="Zakim", command="PRIVMSG", within=1.0)
    assert "gb" not in {n.lower() for n in joe.names(CHANNEL)}
    # the default config: no agenda from the bot's own network, whoever asks
    github.documents["/agenda.html"] = (AGENDA_PAGE, "text/html")
    joe.say(CHANNEL, f"agenda: {github.base}/agenda.html")
    assert zakim_says(joe, "agenda") == (f"Sorry, joe, I could not read the agenda at "
                                         f"{github.base}/agenda.html: refusing a private or "
                                         "local address")
    assert not any(path == "/agenda.html" for _, path, _ in github.requests)
