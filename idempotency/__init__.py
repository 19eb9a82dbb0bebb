"""Safe retries for API clients: a POST with an Idempotency-Key answers the same, and acts once."""
