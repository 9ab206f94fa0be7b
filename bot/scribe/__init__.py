"""The minutes engine: scribe.perl's conventions as a pure library (log text in, minutes out).

Stages, one module each: ``logformats`` (any supported log format -> records), ``options``
(scribe.perl's command-line and ``ScribeOptions:`` grammar), ``edits`` (s/// and i///),
``engine`` (conventions -> the ``Minutes`` record of ``record``), ``ids`` (scribe.perl's
paragraph ids), ``inline`` (links, emphasis), and the renderers ``html``, ``markdown`` and
``jsonout``. ``pipeline`` chains them (``make_minutes``, ``render``); ``command`` is
``agendum minutes``.
"""
