// workerd without nodejs_compat has no node: modules. The test kit's store helpers import
// node:crypto and node:zlib for an oracle the HTTP tables never call; these stand-ins throw if
// anything ever does, so a table cannot pass on a stub.
function unavailable(name: string): never {
  throw new Error(`${name} is not available in the workerd bundle of the runtime matrix`);
}

export const createHash = (): never => unavailable('node:crypto createHash');
export const crc32 = (): never => unavailable('node:zlib crc32');
