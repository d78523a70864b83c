// What the outside needs from ads (seed 001): the ML routes and the jobs per level.
export { GetAnomalies, PostDetectAnomalies } from "./anomalies/anomaly-routes";
export { adAnomalyDetection, adsetAnomalyDetection, campaignAnomalyDetection } from "./anomalies/anomaly-jobs";
