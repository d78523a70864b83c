// Benchmark build only: the decision route's floor plus one hop. POST /__bench/hop calls one of 12 HopFloor objects
// (as many as the benchmark's buckets), which inserts the request body as a row in its SQLite storage, as a
// BanditBucket records a decision, and then answers through the app's /__bench/noop (the same routing and request log
// as the floor). No decision can cost less than this: it is the floor with the one remote call a decision must make.
import { DurableObject } from "cloudflare:workers";

type HopEnv = { BENCH_HOP: DurableObjectNamespace<HopFloor> };

export class HopFloor extends DurableObject {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hops (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, row TEXT NOT NULL)");
  }

  record(id: string, row: string): boolean {
    this.ctx.storage.sql.exec("INSERT INTO hops (id, created_at, row) VALUES (?, ?, ?)", id, Date.now(), row);
    return true;
  }
}

let n = 0;

/** The hop, then the app's floor route with the same body. */
export async function hopThenFloor(request: Request, env: HopEnv, app: (request: Request) => Promise<Response>): Promise<Response> {
  const body = await request.text();
  const stub = env.BENCH_HOP.get(env.BENCH_HOP.idFromName(`hop-${n++ % 12}`));
  await stub.record(crypto.randomUUID(), body);
  return app(new Request(new URL("/__bench/noop", request.url), { method: "POST", headers: request.headers, body }));
}
