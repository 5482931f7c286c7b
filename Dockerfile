# One image for the web server, the Celery workers and beat (docker-compose.yml).
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/riskplatform
WORKDIR /app
# PDFs (files/pdf.py, WeasyPrint): Pango and HarfBuzz lay out the text in Debian's Noto CJK fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY --from=frontend /app/node_modules ./node_modules
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --home /app riskplatform && mkdir -p /var/lib/riskplatform && chown riskplatform /var/lib/riskplatform
USER riskplatform
EXPOSE 8000
# The proxies trusted with X-Forwarded-For come from FORWARDED_ALLOW_IPS (riskplatform/serve.py).
CMD ["python", "-m", "riskplatform.serve", "--host", "0.0.0.0", "--port", "8000"]
