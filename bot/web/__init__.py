"""The web pages: the HTTP server and the queries behind its pages."""
