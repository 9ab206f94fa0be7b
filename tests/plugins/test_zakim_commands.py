"""Zakim's command grammar, form by form as in zakim-commands.md, through the router.

Each case is a short script of channel lines and the replies expected to its last line.
Replies are written as Zakim sends them: ``"text"`` for a plain line, ``"* text"`` for a
/me line (Zakim answers in /me form when it was not addressed). Lines are 90 seconds apart
unless a script line gives its own gap, so the one-minute guard of ``next agendum`` only
shows up where a case asks for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from bot.plugins.attendance import AttendancePlugin
from bot.plugins.reminders import Reminder, message

from bot.core.effects import Effect, Remember, Reply, Schedule
from bot.core.events import Event, Kind
from bot.core.names import ZAKIM
from bot.core.router import Router
from tests.support.scripted import CHANNEL, GAP, START, Line, make_router, play, replies, shown
from tests.support.seed import SEED_CHANNEL, seed_events

AGENDA3 = [("ralph", "agenda+ first item"), ("ralph", "agenda+ second item"),
           ("ralph", "agenda+ third item")]
QUEUE2 = [("alice", "q+"), ("bob", "q+ to ask about X")]

CASES: list[tuple[str, list[Line], list[str]]] = [
    # ---- the speaker queue: forms beyond q+/q-/q?/ack --------------------------------------
    ("q+-later-adds-a-second-place", [("alice", "q+"), ("bob", "q+"), ("alice", "q+ later"),
                                      ("c", "Zakim, q?")],
                                       ["I see alice, bob on the speaker queue"]),
    ("q+-later-to-note", [("alice", "q+"), ("alice", "q+ later to follow up"),
                          ("c", "Zakim, vq?")],
     ["I see alice, alice (to follow up) on the speaker queue"]),
    ("qq+-goes-first", [*QUEUE2, ("carol", "qq+ to react"), ("c", "Zakim, q?")],
     ["I see carol, alice, bob on the speaker queue"]),
    ("qq+-name", [*QUEUE2, ("chair", "qq+ dan"), ("c", "Zakim, q?")],
     ["I see dan, alice, bob on the speaker queue"]),
    ("q--later-moves-to-end", [*QUEUE2, ("carol", "q+"), ("alice", "q- later"),
                               ("c", "Zakim, q?")],
                                ["I see bob, carol, alice on the speaker queue"]),
    ("q=-replaces", [*QUEUE2, ("chair", "q= carol, dan"), ("c", "Zakim, q?")],
     ["I see carol, dan on the speaker queue"]),
    ("queue=-replaces", [*QUEUE2, ("chair", "queue= erin"), ("c", "Zakim, q?")],
     ["I see erin on the speaker queue"]),
    ("queue=-empty-clears", [*QUEUE2, ("chair", "queue="), ("c", "Zakim, q?")],
     ["I see no one on the speaker queue"]),
    ("vq?", [*QUEUE2, ("c", "Zakim, vq?")],
     ["I see alice, bob (to ask about X) on the speaker queue"]),
    ("qv?", [*QUEUE2, ("c", "qv?")], ["* sees alice, bob (to ask about X) on the speaker queue"]),
    ("vqueue?", [*QUEUE2, ("c", "Zakim, vqueue?")],
     ["I see alice, bob (to ask about X) on the speaker queue"]),
    ("full-queue", [*QUEUE2, ("c", "Zakim, please show the full queue")],
     ["I see alice, bob (to ask about X) on the speaker queue"]),
    ("verbose-q", [*QUEUE2, ("c", "Zakim, verbose q")],
     ["I see alice, bob (to ask about X) on the speaker queue"]),
    ("me-raises-hand", [("alice", "/me raises hand"), ("c", "Zakim, q?")],
     ["I see alice on the speaker queue"]),
    ("name-raises-hand", [("chair", "bob raises hand"), ("c", "Zakim, q?")],
     ["I see bob on the speaker queue"]),
    ("sees-raise-hands", [("chair", "/me sees bob, carol raise hands"), ("c", "Zakim, q?")],
     ["I see bob, carol on the speaker queue"]),
    ("sees-possessive-hands-up", [("chair", "/me sees bob's, carol's hands up"),
                                  ("c", "Zakim, q?")], ["I see bob, carol on the speaker queue"]),
    ("sees-possessive-hand", [("chair", "/me sees bob's hand"), ("c", "Zakim, q?")],
     ["I see bob on the speaker queue"]),
    ("me-lowers-hand", [*QUEUE2, ("alice", "/me lowers hand"), ("c", "Zakim, q?")],
     ["I see bob on the speaker queue"]),
    ("name-lowers-hand", [*QUEUE2, ("chair", "alice lowers hand"), ("c", "Zakim, q?")],
     ["I see bob on the speaker queue"]),
    ("sees-lower-hand", [*QUEUE2, ("chair", "/me sees alice, bob lower hands"),
                         ("c", "Zakim, q?")], ["I see no one on the speaker queue"]),
    ("sees-possessive-hands-down", [*QUEUE2, ("chair", "/me sees alice's hand down"),
                                    ("c", "Zakim, q?")], ["I see bob on the speaker queue"]),
    ("ack-next-with-note", [*QUEUE2, ("alice", "q-"), ("chair", "ack next")],
     ["ack bob", "bob, you wanted to ask about X", "* sees no one on the speaker queue"]),
    ("acks-next-speaker", [*QUEUE2, ("chair", "Zakim, chair acks next speaker")],
     ["ack alice", "I see bob on the speaker queue"]),
    ("recognizes", [*QUEUE2, ("chair", "recognizes bob"), ("c", "Zakim, q?")],
     ["I see alice on the speaker queue"]),
    ("close-the-queue", [("chair", "close the queue")], ["* closes the speaker queue"]),
    ("close-the-queue-addressed", [("chair", "Zakim, please close the queue")],
     ["the speaker queue is closed"]),
    ("q+-on-closed-queue", [("chair", "close the queue"), ("alice", "q+")],
     ["* notes the speaker queue is closed"]),
    ("closed-queue-unchanged", [("chair", "close the queue"), ("alice", "q+"),
                                ("c", "Zakim, q?")], ["I see no one on the speaker queue"]),
    ("reopen-the-queue", [("chair", "close the queue"), ("chair", "reopen the queue"),
                          ("alice", "q+"), ("c", "Zakim, q?")],
                           ["I see alice on the speaker queue"]),
    ("open-the-queue", [("chair", "close the queue"), ("chair", "Zakim, open the queue")],
     ["the speaker queue is open"]),
    ("new-agendum-reopens", [*AGENDA3, ("chair", "close the queue"),
                             ("chair", "take up agendum 2"), ("alice", "q+"), ("c", "Zakim, q?")],
     ["I see alice on the speaker queue"]),
    ("give-last-word", [*QUEUE2, ("chair", "Zakim, give carol the last word")],
     ["carol has the last word; the speaker queue is closed"]),
    ("has-last-word-clears", [*QUEUE2, ("chair", "carol has the last word"),
                              ("dan", "q+"), ("c", "Zakim, q?")],
     ["I see no one on the speaker queue"]),
    ("time-speakers", [("chair", "Zakim, time speakers at 2 minutes")],
     ["ok, chair; I will time speakers at 2 minutes"]),
    ("allow-each-speaker", [("chair", "Zakim, allow each speaker 90 seconds")],
     ["ok, chair; I will time speakers at 1.5 minutes"]),
    ("give-speakers-min", [("chair", "Zakim, give speakers 3 min")],
     ["ok, chair; I will time speakers at 3 minutes"]),
    ("time-each-speaker-at-s", [("chair", "Zakim, time each speaker at 45 s")],
     ["ok, chair; I will time speakers at 45 seconds"]),
    ("time-unaddressed", [("chair", "time speakers at 2 m")],
     ["* will time speakers at 2 minutes"]),
    ("stop-timing", [("chair", "Zakim, stop timing speakers")],
     ["ok, chair; I will stop timing speakers"]),
    ("ignore-the-queue", [("chair", "Zakim, ignore the queue")],
     ["ok, chair; I will ignore the speaker queue"]),
    ("ignored-queue-is-silent", [("chair", "Zakim, ignore the queue"), ("alice", "q+"),
                                 ("c", "q?")], []),
    ("track-the-queue", [("chair", "Zakim, ignore the queue"), ("alice", "q+"),
                         ("chair", "Zakim, track the queue"), ("bob", "q+"), ("c", "Zakim, q?")],
     ["I see bob on the speaker queue"]),
    ("ignore-queue-needs-addressing", [("chair", "ignore the queue"), ("alice", "q+"),
                                       ("c", "Zakim, q?")], ["I see alice on the speaker queue"]),
    # ---- the agenda ----------------------------------------------------------------------
    ("agenda+", [("ralph", "agenda+ first item")], ["* notes agendum 1 added"]),
    ("agendum+-addressed", [("ralph", "Zakim, agendum+ first item")], ["agendum 1 added"]),
    ("agenda+-proposer", [("ralph", "agenda+ budget [alice]"), ("c", "Zakim, agenda?")],
     ["I see 1 item remaining on the agenda:", "1. budget [from alice]"]),
    ("agenda?-empty", [("c", "agenda?")], ["* sees nothing on the agenda"]),
    ("agenda?-unaddressed", [*AGENDA3, ("c", "agenda?")],
     ["* sees 3 items remaining on the agenda:", "* 1. first item [from ralph]",
      "* 2. second item [from ralph]", "* 3. third item [from ralph]"]),
    ("what-is-on-the-agenda", [*AGENDA3[:1], ("c", "Zakim, what is on the agenda?")],
     ["I see 1 item remaining on the agenda:", "1. first item [from ralph]"]),
    ("what's-the-agenda", [*AGENDA3[:1], ("c", "what's the agenda?")],
     ["* sees 1 item remaining on the agenda:", "* 1. first item [from ralph]"]),
    ("list-the-agenda", [*AGENDA3[:1], ("c", "Zakim, list the agenda")],
     ["I see 1 item remaining on the agenda:", "1. first item [from ralph]"]),
    ("show-agenda", [*AGENDA3[:1], ("c", "show agenda")],
     ["* sees 1 item remaining on the agenda:", "* 1. first item [from ralph]"]),
    ("agendum-N-=", [*AGENDA3[:1], ("c", "agendum 1 = renamed"), ("c", "Zakim, agenda?")],
     ["I see 1 item remaining on the agenda:", "1. renamed [from ralph]"]),
    ("item-N-=", [*AGENDA3[:1], ("c", "Zakim, item 1 = renamed")], ["agendum 1 replaced"]),
    ("agenda-N-=-unknown", [("c", "Zakim, agenda 4 = x")],
     ["I don't see agendum 4 on the agenda, c"]),
    ("agenda-", [*AGENDA3, ("c", "agenda- 2")], ["* notes agendum 2 dropped"]),
    ("item-", [*AGENDA3, ("c", "item- 2"), ("c", "Zakim, agenda?")],
     ["I see 2 items remaining on the agenda:", "1. first item [from ralph]",
      "3. third item [from ralph]"]),
    ("delete-agendum", [*AGENDA3, ("c", "Zakim, delete agendum 1")], ["agendum 1 dropped"]),
    ("drop-agendum", [*AGENDA3, ("c", "drop agendum 1")], ["* notes agendum 1 dropped"]),
    ("forget-agenda", [*AGENDA3, ("c", "forget agenda 3")], ["* notes agendum 3 dropped"]),
    ("remove-item", [*AGENDA3, ("c", "remove item 3")], ["* notes agendum 3 dropped"]),
    ("numbers-are-not-reused", [*AGENDA3, ("c", "agenda- 3"), ("c", "agenda+ fourth")],
     ["* notes agendum 4 added"]),
    ("take-up-agendum", [*AGENDA3, ("c", "Zakim, take up agendum 2")],
     ['agendum 2. "second item" taken up [from ralph]']),
    ("open-item-unaddressed", [*AGENDA3, ("c", "open item 2")],
     ['* thinks agendum 2. "second item" taken up [from ralph]']),
    ("move-to-agenda-is-for-the-record", [*AGENDA3, ("c", "move to agenda 3")],
     ['agendum 3. "third item" taken up [from ralph]']),
    ("take-up-by-pattern", [*AGENDA3, ("c", "Zakim, take up item THIRD")],
     ['agendum 3. "third item" taken up [from ralph]']),
    ("take-up-by-regex", [*AGENDA3, ("c", "Zakim, take up agendum ^sec")],
     ['agendum 2. "second item" taken up [from ralph]']),
    ("take-up-ambiguous-pattern", [*AGENDA3, ("c", "Zakim, take up agendum item")],
     ["'item' matches agenda items 1, 2, 3, c; please be more specific"]),
    ("take-up-bad-regex-is-text", [("r", "agenda+ fix (a bug"), ("c", "Zakim, open agendum (a")],
     ['agendum 1. "fix (a bug" taken up [from r]']),
    ("take-up-unknown", [*AGENDA3, ("c", "Zakim, take up agendum 9")],
     ["I don't see agendum 9 on the agenda, c"]),
    ("take-up-next", [*AGENDA3, ("c", "Zakim, take up next agendum")],
     ['agendum 1. "first item" taken up [from ralph]']),
    ("next-agendum-guard", [*AGENDA3, ("c", "next agendum"), ("c", "next agendum", 30)],
     ["* thinks agendum 1 was just opened"]),
    ("next-agendum-after-a-minute", [*AGENDA3, ("c", "next agendum"), ("c", "next item", 61)],
     ['* thinks agendum 2. "second item" taken up [from ralph]']),
    ("open-next-agendum", [*AGENDA3, ("c", "Zakim, open next agendum")],
     ['agendum 1. "first item" taken up [from ralph]']),
    ("move-to-next-agendum", [*AGENDA3, ("c", "next agendum"), ("c", "move to next agendum")],
     ['agendum 2. "second item" taken up [from ralph]']),
    ("next-agendum-at-the-end", [*AGENDA3[:1], ("c", "next agendum"), ("c", "next agendum")],
     ["* sees nothing remaining on the agenda"]),
    ("close-this-agendum", [*AGENDA3, ("c", "next agendum"), ("c", "Zakim, close this agendum")],
     ["agendum 1 closed", "I see 2 items remaining on the agenda; the next one is",
      "2. second item [from ralph]"]),
    ("close-this-item-unaddressed", [*AGENDA3, ("c", "next agendum"), ("c", "close this item")],
     ["* notes agendum 1 closed", "* sees 2 items remaining on the agenda; the next one is",
      "* 2. second item [from ralph]"]),
    ("close-agendum-N", [*AGENDA3, ("c", "close agendum 3"), ("c", "Zakim, agenda?")],
     ["I see 2 items remaining on the agenda:", "1. first item [from ralph]",
      "2. second item [from ralph]"]),
    ("close-the-last", [*AGENDA3[:1], ("c", "Zakim, close agenda 1")],
     ["agendum 1 closed", "I see nothing remaining on the agenda"]),
    ("close-with-queue-declines", [*AGENDA3, ("c", "next agendum"), ("alice", "q+"),
                                   ("c", "Zakim, close this agendum")],
     ["I see a speaker queue remaining and thus will not close agendum 1; say 'really close' "
      "if you mean it, c"]),
    ("really-close", [*AGENDA3, ("c", "next agendum"), ("alice", "q+"),
                      ("c", "Zakim, really close this agendum")],
     ["agendum 1 closed", "I see 2 items remaining on the agenda; the next one is",
      "2. second item [from ralph]"]),
    ("really-close-agendum-N", [*AGENDA3, ("c", "next agendum"), ("alice", "q+"),
                                ("c", "really close agendum 1")],
     ["* notes agendum 1 closed", "* sees 2 items remaining on the agenda; the next one is",
      "* 2. second item [from ralph]"]),
    ("close-other-item-with-queue", [*AGENDA3, ("c", "next agendum"), ("alice", "q+"),
                                     ("c", "Zakim, close agendum 3")],
     ["agendum 3 closed", "I see 2 items remaining on the agenda; the next one is",
      "1. first item [from ralph]"]),
    ("queue-emptied-allows-close", [*AGENDA3, ("c", "next agendum"), ("alice", "q+"),
                                    ("c", "ack alice"), ("c", "Zakim, close this agendum")],
     ["agendum 1 closed", "I see 2 items remaining on the agenda; the next one is",
      "2. second item [from ralph]"]),
    ("close-nothing-open", [("c", "Zakim, close this agendum")], ["no agendum is open, c"]),
    ("skip-agendum-N", [*AGENDA3, ("c", "skip agendum 1"), ("c", "Zakim, agenda?")],
     ["I see 3 items remaining on the agenda:", "2. second item [from ralph]",
      "3. third item [from ralph]", "1. first item [from ralph] (skipped)"]),
    ("skip-this-item", [*AGENDA3, ("c", "next agendum"), ("c", "Zakim, skip this item")],
     ["agendum 1 skipped"]),
    ("skipped-comes-after", [*AGENDA3, ("c", "skip item 1"), ("c", "Zakim, next agendum")],
     ['agendum 2. "second item" taken up [from ralph]']),
    ("agenda-order", [*AGENDA3, ("c", "agenda order is 3,2")], ["* notes agenda order"]),
    ("agenda-order-shown", [*AGENDA3, ("c", "agenda order is 3,2"), ("c", "Zakim, agenda?")],
     ["I see 3 items remaining on the agenda:", "3. third item [from ralph]",
      "2. second item [from ralph]", "1. first item [from ralph]"]),
    ("agenda-order-next", [*AGENDA3, ("c", "agenda order is 3,2"), ("c", "Zakim, next agendum")],
     ['agendum 3. "third item" taken up [from ralph]']),
    ("the-agenda-order-range", [*AGENDA3, ("c", "agenda+ fourth"),
                                ("c", "Zakim, the agenda order 3-4, 1"), ("c", "Zakim, agenda?")],
     ["I see 4 items remaining on the agenda:", "3. third item [from ralph]",
      "4. fourth [from c]", "1. first item [from ralph]", "2. second item [from ralph]"]),
    ("agenda-order-open-range", [*AGENDA3, ("c", "agenda order 2-"), ("c", "Zakim, agenda?")],
     ["I see 3 items remaining on the agenda:", "2. second item [from ralph]",
      "3. third item [from ralph]", "1. first item [from ralph]"]),
    ("clear-agenda", [*AGENDA3, ("c", "Zakim, clear the agenda")], ["agenda cleared"]),
    ("cleared-agenda-is-empty", [*AGENDA3, ("c", "clear agenda"), ("c", "Zakim, agenda?")],
     ["I see nothing on the agenda"]),
    ("what-agendum", [*AGENDA3, ("c", "next agendum"), ("c", "Zakim, what agendum?")],
     ["the current agendum is 1. first item [from ralph]"]),
    ("which-item-are-we-on", [*AGENDA3, ("c", "next agendum"), ("c", "which item are we on?")],
     ["* notes the current agendum is 1. first item [from ralph]"]),
    ("what-agenda-is-open", [*AGENDA3, ("c", "next agendum"), ("c", "what agenda is open?")],
     ["* notes the current agendum is 1. first item [from ralph]"]),
    ("current-agendum-none", [("c", "Zakim, current agendum?")], ["no agendum is open"]),
    ("give-this-item", [*AGENDA3, ("c", "next agendum"), ("c", "Zakim, give this item 5 minutes")],
     ["ok, c"]),
    ("allow-this-agendum", [*AGENDA3, ("c", "next agendum"),
                            ("c", "Zakim, allow this agendum 10 min")], ["ok, c"]),
    ("give-this-item-none-open", [("c", "Zakim, allow this agenda item 5 minutes")],
     ["no agendum is open, c"]),
    ("ignore-the-agenda", [("c", "Zakim, ignore the agenda")],
     ["ok, c; I will ignore the agenda"]),
    ("ignored-agenda-is-silent", [("c", "Zakim, ignore agenda"), ("c", "agenda+ x")], []),
    ("track-the-agenda", [("c", "Zakim, ignore agenda"), ("c", "Zakim, track the agenda"),
                          ("c", "agenda+ x")], ["* notes agendum 1 added"]),
    # ---- questions -----------------------------------------------------------------------
    ("question+", [("ralph", "question+ When is this needed?")], ["* notes question 1 added"]),
    ("quest+", [("ralph", "question+ a"), ("ralph", "Zakim, quest+ b")], ["question 2 added"]),
    ("questions?", [("ralph", "question+ When?"), ("ralph", "ques+ How?"), ("o", "questions?")],
     ["* sees 2 questions remaining:", "* Q1: When? (1 supporter)", "* Q2: How? (1 supporter)"]),
    ("question-N++", [("ralph", "question+ When?"), ("ralph", "question+ How?"),
                      ("o", "question 2++")], ["* ok, o"]),
    ("support-reorders", [("ralph", "question+ When?"), ("ralph", "question+ How?"),
                          ("o", "question 2++"), ("o", "Zakim, list questions")],
     ["I see 2 questions remaining:", "Q2: How? (2 supporters)", "Q1: When? (1 supporter)"]),
    ("question++-N", [("ralph", "question+ When?"), ("o", "question++ 1"),
                      ("o", "Zakim, show the questions")],
     ["I see 1 question remaining:", "Q1: When? (2 supporters)"]),
    ("quest-N+-single-plus", [("ralph", "question+ When?"), ("o", "quest 1+"),
                              ("o", "Zakim, questions?")],
     ["I see 1 question remaining:", "Q1: When? (2 supporters)"]),
    ("support-twice-counts-once", [("ralph", "question+ When?"), ("o", "question 1++"),
                                   ("o", "question 1++"), ("o", "Zakim, questions?")],
     ["I see 1 question remaining:", "Q1: When? (2 supporters)"]),
    ("question-N--", [("ralph", "question+ When?"), ("ralph", "question 1--"),
                      ("o", "Zakim, questions?")],
     ["I see 1 question remaining:", "Q1: When? (0 supporters)"]),
    ("question---N", [("ralph", "question+ When?"), ("ralph", "ques-- 1")], ["* ok, ralph"]),
    ("question-unknown", [("o", "Zakim, question 3++")], ["I don't see question 3, o"]),
    ("drop-question", [("ralph", "question+ When is this needed?"), ("ralph", "drop question 1")],
     ["* notes question 1, When is this needed?, dropped"]),
    ("close-question-hides-it", [("r", "question+ When?"), ("r", "question+ How?"),
                                 ("r", "close quest 1"), ("r", "Zakim, questions?")],
     ["I see 1 question remaining:", "Q2: How? (1 supporter)"]),
    ("list-all-questions", [("r", "question+ When?"), ("r", "question+ How?"),
                            ("r", "drop question 1"), ("r", "list all questions")],
     ["* sees 2 questions:", "* Q1: When? (1 supporter) - dropped", "* Q2: How? (1 supporter)"]),
    ("show-all-the-questions", [("r", "question+ When?"), ("r", "Zakim, show all the questions")],
     ["I see 1 question:", "Q1: When? (1 supporter)"]),
    ("clear-questions", [("r", "question+ When?"), ("r", "clear the questions")],
     ["* notes questions cleared"]),
    ("no-questions", [("r", "question+ When?"), ("r", "clear questions"), ("r", "questions?")],
     ["* sees no questions"]),
    # ---- attendance and scribes ------------------------------------------------------------
    ("present+-is-silent", [("alice", "present+")], []),
    ("who-is-here", [("alice", "present+"), ("c", "present+ bob, Carol"),
                     ("c", "Zakim, who is here?")], ["Present: alice, bob, Carol"]),
    ("present:-names", [("c", "present: alice bob"), ("c", "Zakim, who's here?")],
     ["Present: alice, bob"]),
    ("present--", [("c", "present+ alice, bob"), ("bob", "present-"),
                   ("c", "Zakim, who is on the phone?")], ["Present: alice"]),
    ("who's-on-the-call", [("c", "present+ alice"), ("c", "Zakim, who's on the call?")],
     ["Present: alice"]),
    ("who-is-here-nobody", [("c", "Zakim, who is here?")],
     ["No one has been recorded as present yet"]),
    ("list-attendees-keeps-departed", [("c", "present+ alice, bob"), ("bob", "present-"),
                                       ("c", "Zakim, list attendees")],
     ["As of this point the attendees have been alice, bob"]),
    ("list-participants", [("c", "present+ alice"), ("c", "Zakim, list participants")],
     ["As of this point the attendees have been alice"]),
    ("regrets+-silent", [("c", "regrets+ dan")], []),
    ("pick-a-scribe", [("c", "present+ alice"), ("c", "Zakim, pick a scribe")],
     ["Not knowing who is chairing or who scribed recently, I propose alice"]),
    ("choose-a-victim-other-than", [("c", "present+ alice, bob"),
                                    ("c", "Zakim, choose a victim other than bob")],
     ["Not knowing who is chairing or who scribed recently, I propose alice"]),
    ("select-a-scribe-except", [("c", "present+ alice, bob, carol"),
                                ("c", "Zakim, please select a scribe except alice, carol")],
     ["Not knowing who is chairing or who scribed recently, I propose bob"]),
    ("nominate-a-scribe-nobody", [("c", "Zakim, nominate a scribe")],
     ["I don't know who is here, c; please say present+ first"]),
    ("propose-a-scribe-all-excluded", [("c", "present+ alice"),
                                       ("c", "Zakim, propose a scribe except alice")],
     ["I see no one else present to propose, c"]),
    # ---- the meeting ----------------------------------------------------------------------
    ("start-meeting", [("chair", "Zakim, start meeting")],
     ["RRSAgent, make logs public", "I have made the request, Zakim",
      'please title this meeting ("meeting: ..."), chair']),
    ("prepare-the-meeting-titled", [("chair", "Meeting: WebML WG"),
                                    ("chair", "Zakim, prepare the meeting")],
     ["RRSAgent, make logs public", "I have made the request, Zakim", "Meeting: WebML WG"]),
    ("start-this-meeting", [("chair", "zakim, start this meeting")],
     ["RRSAgent, make logs public", "I have made the request, Zakim",
      'please title this meeting ("meeting: ..."), chair']),
    ("end-meeting", [("c", "present+ alice"), ("chair", "Zakim, end meeting")],
     ["As of this point the attendees have been alice", "RRSAgent, please draft minutes",
      "I have made the request to generate http://localhost:8000/2024/03/07-wg-minutes.html "
      "Zakim",
      "I am happy to have been of service, chair; please remember to excuse RRSAgent.  Goodbye"]),
    ("this-is", [("alan", "zakim, this is WebEx 640 999 321")], ["ok, alan"]),
    ("what-conference-is-this", [("alan", "zakim, this conference is WebEx 640"),
                                 ("b", "Zakim, what conference is this?")], ["this is WebEx 640"]),
    ("what's-the-code", [("alan", "zakim, this is WebEx 640"), ("b", "Zakim, what's the code?")],
     ["this is WebEx 640"]),
    ("what-is-the-passcode-unknown", [("b", "Zakim, what is the passcode?")],
     ["I have no description of this conference, b; tell me with 'this is <description>'"]),
    ("save-description", [("alan", "zakim, this is WebEx 640"),
                          ("alan", "Zakim, save this conference description")], ["ok, alan"]),
    ("save-nothing", [("alan", "Zakim, save this description")],
     ["I have no description of this conference to save, alan"]),
    # ---- reminders --------------------------------------------------------------------------
    ("ping-us", [("c", "Zakim, ping us in 10 minutes")], ["ok, c"]),
    ("remind-me-hours", [("c", "Zakim, remind me in 2 hours to call Bob")], ["ok, c"]),
    ("remind-too-far", [("c", "Zakim, remind me in 30 hours about it")],
     ["c, I can remind you at most 24 hours ahead"]),
    ("ping-unaddressed-is-not-a-command", [("c", "ping us in 10 minutes")], []),
    # ---- anything else ---------------------------------------------------------------------
    ("unknown-addressed", [("c", "Zakim, make coffee")],
     ["I don't understand 'make coffee', c. Try /msg Zakim help"]),
]


@pytest.mark.parametrize(("script", "expected"), [pytest.param(s, e, id=i) for i, s, e in CASES])
def test_command(script: list[Line], expected: list[str]) -> None:
    assert replies(script) == expected


def test_every_form_in_the_reference_has_a_case() -> None:
    """Guard against a form losing its case: the families above, by their first words."""
    commands = " | ".join(line[1].lower() for _, script, _ in CASES for line in script)
    for form in ("q+ later", "qq+", "q- later", "q=", "queue=", "vq?", "qv?", "vqueue?",
                 "full queue", "verbose q", "raises hand", "lowers hand", "raise hands",
                 "hands up", "hand down", "close the queue", "reopen the queue",
                 "the last word", "time speakers", "allow each speaker", "stop timing",
                 "ignore the queue", "track the queue", "agenda+", "agendum+", "agenda?",
                 "what is on the agenda?", "list the agenda", "show agenda", "agendum 1 =",
                 "item 1 =", "agenda- ", "item- ", "delete agendum", "drop agendum",
                 "forget agenda", "remove item", "take up agendum", "open item", "move to agenda",
                 "next agendum", "open next agendum", "move to next agendum", "close this agendum",
                 "close agendum 3", "really close", "skip agendum", "skip this item",
                 "agenda order", "clear the agenda", "what agendum?", "which item are we on?",
                 "current agendum?", "give this item", "allow this agendum",
                 "ignore the agenda", "track the agenda", "question+", "quest+", "ques+",
                 "questions?", "question 2++", "question++ 1", "question 1--", "ques-- 1",
                 "drop question", "close quest", "list all questions", "clear the questions",
                 "present+", "present:", "present-", "who is here?", "who's here?",
                 "who is on the phone?", "who's on the call?", "list attendees",
                 "list participants", "regrets+", "pick a scribe", "choose a victim",
                 "select a scribe", "nominate a scribe", "propose a scribe", "other than",
                 "except", "start meeting", "prepare the meeting", "end meeting", "this is",
                 "this conference is", "what conference is this?", "what's the code?",
                 "what is the passcode?", "save this conference description", "ping us in",
                 "remind me in"):
        assert form in commands, form


# ---- timers: what Zakim says when they fire --------------------------------------------------


def timers(effects: list[Effect]) -> list[Schedule]:
    return [e for e in effects if isinstance(e, Schedule)]


def fire(router: Router, owner: str, key: str, when: datetime) -> list[str]:
    return shown(router.dispatch(Event(when, "net", CHANNEL, Kind.TIMER, owner, key)))


def test_speaker_timer_warns_then_ends_the_turn_and_a_new_turn_silences_the_old() -> None:
    router = make_router()
    effects = play(router, [("chair", "Zakim, time speakers at 2 minutes"), ("chair", "ack alice")])
    warn, end = timers(effects[-1])
    assert (warn.owner, end.owner, (end.at - warn.at).total_seconds()) == ("queue", "queue", 30)
    acked = START + timedelta(seconds=2 * GAP)
    assert warn.at == acked + timedelta(seconds=90)
    assert fire(router, "queue", warn.key, warn.at) == ["alice, you have 30 seconds left"]
    assert fire(router, "queue", warn.key, warn.at) == []  # once only
    play(router, [("chair", "ack bob")], start=warn.at)
    assert fire(router, "queue", end.key, end.at) == []  # alice's turn is over
    assert len(router.pending()) == 2  # bob's two


def test_short_speaker_time_warns_at_half_time() -> None:
    router = make_router()
    effects = play(router, [("c", "Zakim, time speakers at 40 seconds"), ("bob", "q+"),
                            ("c", "ack next")])
    first = timers(effects[-1])[0]
    assert fire(router, "queue", first.key, first.at) == ["bob, you have 20 seconds left"]


def test_stop_timing_silences_the_current_turn() -> None:
    router = make_router()
    effects = play(router, [("c", "Zakim, time speakers at 1 minute"), ("c", "ack bob"),
                            ("c", "Zakim, stop timing")])
    keys = timers(effects[1])
    assert all(fire(router, "queue", k.key, k.at) == [] for k in keys)
    assert router.pending() == []


def test_item_timer_fires_only_while_its_agendum_is_open() -> None:
    router = make_router()
    effects = play(router, [*AGENDA3, ("c", "next agendum"),
                            ("c", "Zakim, give this item 5 minutes")])
    (timer,) = timers(effects[-1])
    assert fire(router, "agenda", timer.key, timer.at) == [
        "c, the 5 minutes you gave agendum 1 are up"]
    effects = play(router, [("c", "Zakim, give this item 1 minute"),
                            ("c", "close this agendum")], start=timer.at)
    (timer,) = timers(effects[0])
    assert fire(router, "agenda", timer.key, timer.at) == []


def test_reminder_fires_once_with_the_text_and_notes_when_it_is_late() -> None:
    router = make_router()
    effects = play(router, [("c", "Zakim, remind me in 10 minutes to call Bob"),
                            ("d", "Zakim, ping us in 1 hour")])
    first = timers(effects[0])[0]
    second = timers(effects[1])[0]
    assert first.at == START + timedelta(seconds=GAP, minutes=10)
    assert fire(router, "reminders", first.key, first.at) == [
        "c, you asked to be reminded at this time to call Bob"]
    assert fire(router, "reminders", first.key, first.at) == []
    late = second.at + timedelta(minutes=7, seconds=10)
    assert fire(router, "reminders", second.key, late) == [
        "d, you asked to be pinged at this time (late by 7 minutes: I was not running at "
        f"{second.at:%H:%M} UTC)"]
    assert router.pending() == []


@pytest.mark.parametrize(("late", "note"), [
    (4.0, ""), (6.0, " (late by 6 seconds: I was not running at 15:00 UTC)"),
    (89.0, " (late by 89 seconds: I was not running at 15:00 UTC)"),
    (150.0, " (late by 2 minutes: I was not running at 15:00 UTC)"),
    (3 * 3600.0, " (late by 3.0 hours: I was not running at 15:00 UTC)"),
])
def test_lateness_is_said_in_a_readable_unit(late: float, note: str) -> None:
    reminder = Reminder("#wg", "k", START, "c", None, None)
    assert message(reminder, START + timedelta(seconds=late)) == (
        "c, you asked to be pinged at this time" + note)


def test_end_meeting_forgets_the_channel_but_not_the_saved_description() -> None:
    router = make_router()
    play(router, [("c", "q+"), ("c", "agenda+ x"), ("c", "present+"),
                  ("c", "Zakim, remind me in 5 minutes"), ("c", "Zakim, this is WebEx 1"),
                  ("c", "Zakim, save this conference description"), ("c", "Zakim, end meeting")])
    assert router.pending() == []
    after = play(router, [("c", "Zakim, q?"), ("c", "Zakim, agenda?"), ("c", "Zakim, who is here?"),
                          ("c", "Zakim, what conference is this?")])
    assert [shown(e) for e in after] == [
        ["I see no one on the speaker queue"], ["I see nothing on the agenda"],
        ["No one has been recorded as present yet"], ["this is WebEx 1"]]


def test_start_meeting_asks_for_the_channels_configured_visibility() -> None:
    router = make_router(logs="member", channel_logs={"#wg": "team"})
    (effects,) = play(router, [("c", "Zakim, start meeting")])
    assert [type(e).__name__ for e in effects][:2] == ["Join", "Reply"]
    assert shown(effects)[0] == "RRSAgent, make logs team"


def test_saved_description_is_remembered_and_recalled() -> None:
    router = make_router()
    script: list[Line] = [("c", "Zakim, this is Zoom 1"), ("c", "Zakim, save this description")]
    effects = play(router, script)[1]
    (kept,) = [e for e in effects if isinstance(e, Remember)]
    fresh = make_router()
    fresh.recall(kept.channel, kept.key, kept.value)
    assert shown(play(fresh, [("c", "Zakim, what conference is this?")])[0]) == [
        "this is Zoom 1"]


def test_the_seed_meeting_gets_answers_only_to_its_commands() -> None:
    """A real call's 200 lines of scribing trip none of the wider grammar: Zakim answers
    each ``q?`` and nothing else, and ends it with everyone's present+ and regrets+."""
    router = make_router()
    events = seed_events()
    answered = [e.text for e in events
                if any(isinstance(x, Reply) and x.persona == ZAKIM for x in router.dispatch(e))]
    assert answered == [e.text for e in events if e.text == "q?"]
    assert len(answered) == 13
    attendance = next(p for p in router.plugins if isinstance(p, AttendancePlugin))
    kept = attendance.state(SEED_CHANNEL)
    said = [e.text.split(None, 1)[1] for e in events if e.text.lower().startswith("present+ ")]
    assert list(kept.attendees) == said and len(said) == 14
    assert kept.regrets == ("Ningxin_Hu",)
