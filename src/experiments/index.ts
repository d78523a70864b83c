// What the outside needs from experiments: the admin routes, the assignment and results routes, the results job.
export { ArchiveExperiment, CreateExperiment, GetExperiment, GetExperimentHistory, ListExperiments, StartExperiment, StopExperiment, UpdateExperiment } from "./admin-routes";
export { PostAssignment } from "./assignment-route";
export { GetExperimentResults } from "./results-route";
export { computeExperimentResults } from "./results-job";
