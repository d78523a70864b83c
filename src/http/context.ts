// The Hono environment shared by every route: bindings plus what middleware learned about the caller.
import type { Context } from "hono";
import type { Env } from "../env";
import type { Principal } from "./principal";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    principal: Principal;
    /** The JSON body jsonBody read and parsed ({} for none); ApiRoute validates it. */
    jsonBody: unknown;
  };
};

export type AppContext = Context<AppEnv>;
