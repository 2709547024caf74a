"""Outbound webhooks (Standard Webhooks): partner organisations' endpoints, the outbox of signed
deliveries and the job that sends them."""
