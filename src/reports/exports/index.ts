// Report exports: what the rest of the Worker uses (the jobs, for the registry; the routes live in ../exports-routes.ts).
export { buildExport, enqueueBuild } from "./build-export";
export { purgeExpiredExports } from "./purge-expired-exports";
