// The slice of node:zlib (workerd's, under nodejs_compat) the XLSX writer uses; @types/node is not in tsconfig's types.
declare module "node:zlib" {
  export const constants: { readonly Z_NO_FLUSH: number; readonly Z_SYNC_FLUSH: number; readonly Z_FINISH: number };
  export function deflateRawSync(data: Uint8Array, options?: { level?: number; finishFlush?: number }): Uint8Array;
}
