// Queue names as wrangler.toml declares them: the queue handler dispatches on these.
export const EVENTS_QUEUE_NAME = "edgeloop-events";
export const EVENTS_DLQ_NAME = "edgeloop-events-dlq";
