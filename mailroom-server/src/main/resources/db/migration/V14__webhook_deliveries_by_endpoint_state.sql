-- Issue 13 (notifier). Portable between PostgreSQL and H2 (MODE=PostgreSQL).
-- Whether an endpoint has deliveries still pending (new events then queue behind them, in order): one index seek per
-- endpoint, however many deliveries it has had.
CREATE INDEX webhook_deliveries_by_endpoint_state ON webhook_deliveries (endpoint_id, state);
