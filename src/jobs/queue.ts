// The jobs queue's name as wrangler.toml declares it.
export const JOBS_QUEUE_NAME = "edgeloop-jobs";
export const JOBS_DLQ_NAME = "edgeloop-jobs-dlq";
