"""The pure core: events, the router and its effects, text helpers, references, agendas and
the public record. Plain Python over plain data: no I/O, no imports from the shell."""
