// What the outside needs from ingest: its routes, its queue consumers and the queue names they listen on.
export { PostCollect, PostEvents } from "./routes";
export { ListDeadLetters, ReplayDeadLetters } from "./dead-letter-routes";
export { consumeDeadLetters, consumeEvents } from "./consumer";
export { EVENTS_DLQ_NAME, EVENTS_QUEUE_NAME } from "./queues";
