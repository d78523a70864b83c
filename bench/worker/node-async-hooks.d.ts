// The slice of node:async_hooks (workerd's, under nodejs_compat) the bench wrapper uses; @types/node is not in tsconfig's types.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, fn: () => R): R;
  }
}
