"""Synthetic W3C meeting logs in RRSAgent's text format (``HH:MM:SS <nick> text``).

Real logs are small (a teleconference is a few hundred lines, a three-day face-to-face a few
thousand), but the minutes benchmark needs 20,000-200,000 lines that still exercise every scribe
convention in realistic proportions, so that time and memory grow as they would on real input:
scribe changes, topics and subtopics, speaker lines and ``...`` continuations, queue chatter,
``->`` links, issue references and gb's replies, Zakim and trackbot, ACTION and RESOLUTION, and
corrections on about 1% of lines (``s/old/new/`` on a word of the last 30 lines, some ``/g``, a few
``/G`` and ``i///``, one in ten matching nothing) -- the edits that make scribe.perl quadratic.
Modelled on shared/reference/seed-2024-03-07-webmachinelearning-irc.txt and
shared/reference/scribe2-samples/*.txt. Mostly ASCII, some UTF-8 and HTML-like text. The meeting
spans three days; times only increase and wrap past midnight. Deterministic: the same
``(lines, seed)`` always gives the same text.

    python bench/loggen.py 100000 [--seed 1] > big.txt
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import deque
from collections.abc import Callable

CHANNEL = "#webmachinelearning"
PEOPLE = [  # (nick, name for present+, name the scribe writes)
    ("anssik", "Anssi_Kostiainen", "anssik"), ("jsbell", "Joshua_Bell", "jsbell"),
    ("McCool", "Michael_McCool", "Michael"), ("grgustaf", "Geoff_Gustafson", "Geoff"),
    ("zkis", "Zoltán_Kis", "zkis"), ("RafaelCintron", "Rafael_Cintron", "RafaelCintron"),
    ("Joshua_Lochner", "Joshua_Lochner", "Joshua_Lochner"), ("dwayner", "Dwayne_Robinson",
    "Dwayne"), ("ningxin", "Ningxin_Hu", "ningxin"), ("asully", "Austin_Sullivan", "asully"),
    ("etiennenoel", "Etienne_Noël", "Etienne"), ("Deepti", "Deepti_Gandluri", "Deepti"),
    ("dom", "Dominique_Hazaël-Massieux", "dom"), ("kenji", "石井_健二", "Kenji"),
    ("tomayac", "Thomas_Steiner", "Thomas"), ("reillyg", "Reilly_Grant", "reillyg"),
    ("Mike_W", "Mike_Wyrzykowski", "Mike"), ("phillis", "Phillis_Tang", "Phillis"),
    ("bryan", "Bryan_Bernhart", "Bryan"), ("ilya", "Ilya_Rezvov", "Ilya"),
]
VOCABULARY = (
    "the a we to of and is in that it for this on be should can not with are as if but I think "
    "so about there would have do at or model models graph operator operand tensor WebNN WebGPU "
    "backend API spec issue PR proposal explainer implementation Chromium CoreML DirectML TFLite "
    "ONNX XNNPACK NPU GPU CPU buffer shape dtype float16 int8 quantization context builder build "
    "compute dispatch async sync error validation label interop timeline review TAG CR snapshot "
    "consensus editors group WG CG charter use cases privacy fingerprinting security performance "
    "latency memory weights download cache origin storage developers frameworks browser vendors "
    "tests WPT conformance algorithm steps normative informative agree disagree maybe probably "
    "next week later offline follow up comment comments option options alternative prefer "
    "support concern concerns question questions feedback prototype experiment data results"
)
WORDS = VOCABULARY.split()
UNICODE = ("café", "naïve", "Zürich", "日本語", "🎉", "👍", "résumé", "«exactly»", "—", "😅")
TITLES = ("Call for Consensus: WebNN API CR Snapshot", "Hybrid AI exploration",
          "Open issues and PRs", "MLBuffer and interop with WebGPU", "Quantization operators",
          "Device selection", "Operator set Wave 3", "Conformance testing", "Model loader",
          "Ethical considerations", "Privacy review", "Charter renewal", "Tensor primitives")
REPOS = ("webnn", "proposals", "webnn-samples", "meetings")
LABELS = (" [process]", " [question]", " [editorial]", " [conventions]", " [feature request]", "")
HTMLISH = ('<script>alert("minutes")</script>', "<b>bold</b> & &amp; <i>", "a < b && c > d",
           "<img src=x onerror=alert(1)>", "</p><p>")


def _stamp(t: int) -> str:
    s = t % 86400
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


class _Log:
    """A meeting in progress: the clock, who scribes and chairs, the queue, recent lines."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.t = rng, 8 * 3600
        self.out: list[str] = []
        self.recent: deque[str] = deque(maxlen=30)  # texts that corrections may target
        self.queue: list[str] = []
        self.typos: deque[tuple[str, str]] = deque(maxlen=5)  # misspelt names, recent first
        self.scribe, self.chair = PEOPLE[1], PEOPLE[0]
        self.day = self.slide = 0
        self.until_topic, self.until_scribe = 5, 300
        events: list[tuple[float, Callable[[], None]]] = [
            (34, self.speaker), (14, self.continuation), (4, self.descriptive), (12, self.chat),
            (10, self.queue_line), (3, self.link), (4, self.issue), (2, self.join),
            (1.5, self.present), (0.5, self.action), (0.5, self.resolution), (0.3, self.draft),
            (0.4, self.zakim), (0.2, self.html), (1.05, self.correction),
        ]
        self.events = [e for _, e in events]
        self.weights = [w for w, _ in events]

    # ---- primitives ----
    def say(self, nick: str, text: str, gap: int | None = None) -> None:
        self.t += self.rng.randint(2, 30) if gap is None else gap
        self.out.append(f"{_stamp(self.t)} <{nick}> {text}\n")

    def sentence(self, lo: int = 3, hi: int = 13) -> str:
        rng = self.rng
        words = rng.choices(WORDS, k=rng.randint(lo, hi))
        if rng.random() < 0.06:
            words.insert(rng.randrange(len(words)), f"{rng.choice(REPOS)}#{rng.randint(1, 800)}")
        if rng.random() < 0.08:
            words.insert(rng.randrange(len(words)), rng.choice(UNICODE))
        if rng.random() < 0.03:
            words.append(f"https://www.w3.org/TR/webnn/#api-{rng.choice(WORDS).lower()}")
        return " ".join(words)

    def other(self) -> tuple[str, str, str]:
        return self.rng.choice([p for p in PEOPLE[:12] if p != self.scribe])

    def noted(self, nick: str, text: str) -> None:
        self.say(nick, text)
        self.recent.append(text)

    # ---- structure ----
    def open_day(self) -> None:
        rng, self.day = self.rng, self.day + 1
        self.t = (self.t // 86400 + (self.day > 1)) * 86400 + 8 * 3600 + rng.randint(0, 900)
        self.say("RRSAgent", f"RRSAgent has joined {CHANNEL}")
        self.say("RRSAgent", f"logging to https://www.w3.org/2024/03/{6 + self.day:02d}-webmachine"
                 "learning-irc", 0)
        self.say("Zakim", f"Zakim has joined {CHANNEL}", 2)
        self.chair = rng.choice(PEOPLE[:3])
        c = self.chair[0]
        self.say(c, f"Meeting: WebML WG F2F – Day {self.day}")
        self.say(c, "Chair: Anssi, Dom" if self.day % 2 else "Chair: Anssi")
        self.say(c, f"Agenda: https://github.com/webmachinelearning/meetings/blob/main/f2f/2024-"
                 f"03-{6 + self.day:02d}-agenda.md")
        for _ in range(rng.randint(3, 8)):
            self.present()
        self.change_scribe()

    def change_scribe(self) -> None:
        rng = self.rng
        self.scribe = rng.choice([p for p in PEOPLE if p != self.scribe])
        form = rng.random()
        if form < 0.5:
            self.say(self.scribe[0], "scribe+")
        elif form < 0.8:
            self.say(self.chair[0], f"scribe+ {self.scribe[0]}")
        else:
            self.say(self.chair[0], f"Scribe: {self.scribe[0]}")
        self.until_scribe = rng.randint(200, 600)

    def step(self) -> None:
        self.until_topic -= 1
        self.until_scribe -= 1
        if self.until_topic <= 0:
            kind = "Subtopic" if self.rng.random() < 0.3 else "Topic"
            self.say(self.chair[0], f"{kind}: {self.rng.choice(TITLES)}")
            self.until_topic = self.rng.randint(50, 150)
        elif self.until_scribe <= 0:
            self.change_scribe()
        else:
            self.rng.choices(self.events, self.weights)[0]()

    # ---- events ----
    def speaker(self) -> None:
        name = self.rng.choice(PEOPLE)[2]
        if self.rng.random() < 0.02:  # a misspelt name, for a later s/…/…/g to fix
            self.typos.append((name + name[-1], name))
            name = name + name[-1]
        self.noted(self.scribe[0], f"{name}: {self.sentence()}")

    def continuation(self) -> None:
        self.noted(self.scribe[0], f"... {self.sentence()}")

    def descriptive(self) -> None:
        if self.rng.random() < 0.4:
            self.slide += 1
            self.say(self.scribe[0], f"[slide {self.slide}]")
        else:
            self.noted(self.scribe[0], self.sentence(3, 10))

    def chat(self) -> None:
        self.noted(self.other()[0], self.sentence(2, 14))

    def queue_line(self) -> None:
        rng, nick = self.rng, self.other()[0]
        r = rng.random()
        if r < 0.35 and nick not in self.queue:  # Zakim queues a nick once
            reason = f" to ask about {rng.choice(WORDS)} {rng.choice(WORDS)}" if r < 0.1 else ""
            self.say(nick, f"q+{reason}")
            self.queue.append(nick)
        elif r < 0.6 and self.queue:
            who = self.queue.pop(0)
            self.say(self.chair[0], f"ack {who}")
            if rng.random() < 0.2:
                self.say("Zakim", f"{who}, you wanted to ask about {rng.choice(WORDS)}", 0)
        elif r < 0.7 and self.queue:
            self.say(self.queue.pop(), "q-")
        else:
            self.say(self.chair[0], "q?")
            who = ", ".join(self.queue) or "no one"
            self.say("Zakim", f"I see {who} on the speaker queue", rng.randint(0, 1))

    def link(self) -> None:
        rng = self.rng
        url = (f"https://github.com/webmachinelearning/{rng.choice(REPOS)}/pull/"
               f"{rng.randint(1, 800)}")
        label = " ".join(rng.choices(WORDS, k=rng.randint(2, 6)))
        self.say(self.chair[0], f"-> {url} {label}" if rng.random() < 0.7 else f"-> {label} {url}")

    def issue(self) -> None:
        rng, n, repo = self.rng, self.rng.randint(1, 800), self.rng.choice(REPOS)
        ref = f"#{n}" if repo == "webnn" else f"{repo}#{n}"
        kind, path = ("Issue", "issues") if rng.random() < 0.7 else ("Pull Request", "pull")
        self.say(self.chair[0], f"{self.chair[2]}: {kind.lower()} {ref}")
        title = " ".join(rng.choices(WORDS, k=rng.randint(3, 9)))
        self.say("gb", f"https://github.com/webmachinelearning/{repo}/{path}/{n} -> {kind} {n} "
                 f"{title} (by {rng.choice(PEOPLE)[0]}){rng.choice(LABELS)}", rng.randint(0, 1))

    def join(self) -> None:
        nick = self.rng.choice(PEOPLE)[0]
        self.say(nick, f"{nick} has {'left' if self.rng.random() < 0.3 else 'joined'} {CHANNEL}")

    def present(self) -> None:
        rng = self.rng
        if rng.random() < 0.3:
            self.say(rng.choice(PEOPLE)[0], "present+")
        else:
            names = ", ".join(p[1] for p in rng.sample(PEOPLE, rng.randint(1, 3)))
            self.say(self.chair[0], f"{'Regrets' if rng.random() < 0.1 else 'Present'}+ {names}")

    def action(self) -> None:
        who, what = self.rng.choice(PEOPLE), self.sentence(3, 10)
        self.noted(self.scribe[0], f"ACTION: {who[0]} to {what}")
        if self.rng.random() < 0.5:
            self.say("trackbot", f"Created ACTION-{self.rng.randint(1, 999)} - {what[:40]} [on "
                     f"{who[1].replace('_', ' ')} - due 2024-03-14].", 0)

    def resolution(self) -> None:
        self.noted(self.scribe[0], f"RESOLUTION: {self.sentence(5, 16)}")

    def draft(self) -> None:
        nick = self.rng.choice((self.chair, self.scribe))[0]
        self.say(nick, "RRSAgent, draft minutes")
        self.say("RRSAgent", "I have made the request to generate https://www.w3.org/2024/03/"
                 f"{6 + self.day:02d}-webmachinelearning-minutes.html {nick}", 1)

    def zakim(self) -> None:
        if self.rng.random() < 0.5:
            self.say(self.chair[0], "Zakim, who is here?")
            names = ", ".join(p[0] for p in self.rng.sample(PEOPLE, 8))
            self.say("Zakim", f"Present: {names}", 0)
        else:
            self.say(self.chair[0], "zakim, agenda?")
            self.say("Zakim", "I see nothing on the agenda", 0)

    def html(self) -> None:
        self.noted(self.other()[0], f"{self.sentence(2, 6)} {self.rng.choice(HTMLISH)}")

    def correction(self) -> None:
        rng, nick = self.rng, self.scribe[0]
        r = rng.random()
        line = rng.choice(self.recent) if self.recent else ""
        words = [w for w in line.split() if w.isalpha() and len(w) >= 3]
        if r < 0.03 and words:
            anchor = " ".join(line.split()[:3])
            self.say(nick, f"i/{anchor}/Topic: {rng.choice(TITLES)}")
        elif r < 0.13 or not words:  # a typo: matches nothing
            self.say(nick, f"s/{rng.choice(WORDS)}qz{rng.choice(WORDS)}/{rng.choice(WORDS)}/")
        elif r > 0.85:  # global fixes target a misspelt name, as people use them
            if self.typos:
                typo, name = self.typos.pop()
                self.say(nick, f"s/{typo}:/{name}:/{'g' if r > 0.87 else 'G'}")
            else:
                self.say(nick, f"s/{rng.choice(words)}/{rng.choice(WORDS)}/")
        else:
            old = rng.choice(words)
            flags = ""
            end = "/" if flags or rng.random() < 0.7 else ""
            self.say(nick, f"s/{old}/{rng.choice(WORDS)}{end}{flags}")


def generate(lines: int, seed: int = 1) -> str:
    """``lines`` lines of a three-day face-to-face meeting log, always the same for ``seed``."""
    log = _Log(random.Random(seed))
    days = (0, lines // 3, 2 * lines // 3)
    while len(log.out) < lines:
        if log.day < 3 and len(log.out) >= days[log.day]:
            log.open_day()
        else:
            log.step()
    return "".join(log.out[:lines])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lines", type=int)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    sys.stdout.buffer.write(generate(a.lines, a.seed).encode())


if __name__ == "__main__":
    main()
