"""The outside world: the GitHub client, documents fetched for agendas, and the Ask executor
that runs both off the event loop and stores their answers as events."""
