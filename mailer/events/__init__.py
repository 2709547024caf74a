"""SendGrid Event Webhook: signed, idempotent ingestion of delivery events."""
