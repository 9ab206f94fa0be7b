# agendum: self-hosted IRC meeting bot (Zakim, RRSAgent and gb personas, minutes publishing).
#   docker build -t agendum .
#   docker run -v agendum-data:/data -v $PWD/config.toml:/data/config.toml:ro agendum
# The config's relative paths resolve against its folder, so with the defaults the
# database (agendum.db) and published files (public/) land in the /data volume.
# The web pages: set [web] host = "0.0.0.0" and in_run = true (or run a second container
# with the command "serve"), and publish port 8000: docker run -p 8000:8000 ...
# GitHub: put the token in the config ([github] token) or pass -e GITHUB_TOKEN=...
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY plugins ./plugins
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[postgres]'

FROM python:3.11-slim
RUN useradd --system --create-home --home-dir /home/agendum --uid 10001 agendum \
    && mkdir -p /data && chown agendum:agendum /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY config.example.toml /home/agendum/config.example.toml
USER agendum
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
ENV AGENDUM_CONFIG=/data/config.toml PYTHONUNBUFFERED=1
ENTRYPOINT ["agendum"]
CMD ["run"]
