// What the outside needs from compat: the routes, mounted on the app in one call.
export { mountCompatRoutes } from "./routes";
