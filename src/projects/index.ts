// What the outside needs from tenancy: the admin routes for projects, keys and event names.
export { AddEventNames, CreateKey, CreateProject, GetProject, ListEventNames, ListKeys, ListProjects, RevokeKey, UpdateProject } from "./routes";
