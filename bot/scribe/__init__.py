"""The minutes engine: scribe.perl's conventions as a pure library (log text in, minutes out).

Stages, one module each: ``logformats`` (any supported log format -> records), ``options``
(scribe.perl's command-line and ``ScribeOptions:`` grammar), ``edits`` (s/// and i///),
``engine`` (conventions -> the ``Minutes`` record), ``inline`` (links, emphasis), and the
renderers ``html``, ``markdown`` and ``jsonout``.
"""
