-- Events an extension consumer has handled (SeenEventStore): the CloudEvents id per consumer group, so that an
-- event Kafka delivers again (at least once) is skipped. Rows older than caravan.extensions.dedup-retention go.
CREATE TABLE seen_events (
    consumer VARCHAR(128) NOT NULL,
    event_id VARCHAR(128) NOT NULL,
    seen_at  TIMESTAMP    NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX seen_events_at ON seen_events (seen_at);
