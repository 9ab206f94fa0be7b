"""Replayed history on the wire: which lines a batch marks as history, paging through
``CHATHISTORY`` answers, and when a replay is over. The connection is fed bytes directly."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.core.events import Event, Kind
from bot.irc.connection import Session, history_reference
from tests.support.wire import attach, feed, make_session


def watch(session: Session) -> tuple[list[str], list[str]]:
    """What the session sends, and the channels whose replay it says is over."""
    sent: list[str] = []
    done: list[str] = []
    session._send_now = sent.append  # type: ignore[method-assign]
    session.on_history_done = lambda _s, channel: done.append(channel)
    return sent, done


def test_lines_in_a_history_batch_are_marked_and_a_replayed_join_is_no_news() -> None:
    events: list[Event] = []
    joins: list[str] = []

    async def main() -> tuple[list[str], Session]:
        session = make_session(events)
        session.on_membership = lambda _s, channel, _joined: joins.append(channel)
        _, done = watch(session)
        await feed(attach(session),
                   b":srv BATCH +b1 chathistory #wg\r\n",
                   b"@batch=b1;time=2026-03-07T15:10:04.000Z;msgid=m1 :ann!u@h PRIVMSG #wg :q+\r\n",
                   b"@batch=b1;time=2026-03-07T15:10:05.000Z :Zakim!u@h JOIN #wg\r\n",
                   b":srv BATCH :-b1\r\n",
                   b":srv BATCH +n1 netsplit a b\r\n",
                   b"@batch=n1 :bob!u@h PRIVMSG #wg :live\r\n",
                   b":srv BATCH -n1\r\n")
        return done, session

    done, session = asyncio.run(main())
    assert [(e.kind, e.text, e.history, e.msgid) for e in events] == [
        (Kind.MESSAGE, "q+", True, "m1"), (Kind.MESSAGE, "live", False, None)]
    assert events[0].time == datetime(2026, 3, 7, 15, 10, 4, tzinfo=UTC)
    assert joins == [] and not session.in_channel("#wg")
    assert done == ["#wg"]


def test_a_full_page_asks_for_the_next_one_after_its_last_line() -> None:
    events: list[Event] = []

    async def main() -> tuple[list[str], list[str]]:
        session = make_session(events)
        sent, done = watch(session)
        conn = attach(session)
        session.caps = {"draft/chathistory", "batch"}
        conn.features.chathistory = 2  # ISUPPORT CHATHISTORY=2
        assert session.request_history("#wg", None, "m0")
        page = [b":srv BATCH +p1 chathistory #wg\r\n"]
        page += [f"@batch=p1;msgid=m{n} :ann!u@h PRIVMSG #wg :{n}\r\n".encode() for n in (1, 2)]
        await feed(conn, *page, b":srv BATCH -p1\r\n")
        await feed(conn, b":srv BATCH +p2 chathistory #wg\r\n",
                   b"@batch=p2;msgid=m3 :ann!u@h PRIVMSG #wg :3\r\n", b":srv BATCH -p2\r\n")
        return sent, done

    sent, done = asyncio.run(main())
    assert sent == ["CHATHISTORY AFTER #wg msgid=m0 2", "CHATHISTORY AFTER #wg msgid=m2 2"]
    assert [e.text for e in events] == ["1", "2", "3"]
    assert done == ["#wg"]


def test_no_request_where_the_server_offers_no_chathistory() -> None:
    async def main() -> tuple[bool, list[str]]:
        session = make_session([])
        sent, _ = watch(session)
        attach(session)
        return session.request_history("#wg", None), sent

    assert asyncio.run(main()) == (False, [])


def test_history_reference() -> None:
    when = datetime(2026, 3, 7, 15, 10, 3, 250_999, tzinfo=UTC)
    assert history_reference(when, None) == "timestamp=2026-03-07T15:10:03.250Z"
    assert history_reference(when, "abc") == "msgid=abc"
    assert history_reference(None, None) == "*"
