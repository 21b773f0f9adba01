# The server image (production route). Not exercised by CI: see README.md, "Production".
FROM python:3.11-slim-bookworm

RUN useradd --system --home-dir /srv/acd --create-home acd
WORKDIR /srv/acd

COPY pyproject.toml README.md ./
COPY acd ./acd
COPY ivr ./ivr
COPY dialer ./dialer
RUN pip install --no-cache-dir .

COPY config ./config
COPY sounds ./sounds

USER acd
# FastAGI: Asterisk connects here (agi://server:4573/...). AMI is outbound to Asterisk.
EXPOSE 4573
ENTRYPOINT ["acd", "--config", "/srv/acd/config/acd.yaml"]
CMD ["run"]
