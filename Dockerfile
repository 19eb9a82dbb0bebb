# One image for the web process, the Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN useradd --create-home --uid 10001 tracker

COPY pyproject.toml requirements.lock README.md ./
COPY config ./config
COPY accounts ./accounts
COPY workprogramme ./workprogramme
COPY difap ./difap
COPY reporting ./reporting
RUN pip install --no-cache-dir -c requirements.lock .

COPY . .
# collectstatic needs settings but no real secret or database.
RUN SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R tracker /app/media

USER tracker
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
