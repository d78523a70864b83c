// What the outside needs from decisions: its routes and the Durable Object classes.
export { GetDecision, GetDecisionType, ListDecisionTypes, PostDecision, PutDecisionType } from "./routes";
export { GetLearningStatus } from "./learning-status-route";
export { PostLearningEvaluate } from "./evaluate-route";
export { BanditBucket } from "./bandit-bucket-do";
export { RequestClaims } from "./request-claims-do";
