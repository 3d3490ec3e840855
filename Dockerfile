FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HELPDESK_VAR_DIR=/var/lib/helpdesk
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
# Static files are collected at build time with throwaway settings; WhiteNoise serves them.
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
    && useradd --system --home /app helpdesk && mkdir -p /var/lib/helpdesk && chown helpdesk /var/lib/helpdesk
USER helpdesk

EXPOSE 8000 8001
# Alone, the image serves HTTP and WebSockets from one daphne process; docker-compose.yml runs the
# production layout instead (nginx, gunicorn's workers, daphne for /ws/ only).
CMD ["python", "-m", "daphne", "-b", "0.0.0.0", "-p", "8000", "tickets_site.asgi:application"]
