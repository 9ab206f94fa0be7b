"""The IRC shell: one connection per network, and de-duplication of what the server echoes."""
