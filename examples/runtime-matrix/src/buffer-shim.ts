// Injected for the harness's one use of Buffer (joining response chunks), so the bundle runs
// where there is no Buffer (workerd without nodejs_compat). Where a real Buffer exists, it is used:
// the injection replaces every `Buffer` in the bundle, dependencies' included (nanoid's on Node).
const joinChunks = {
  concat(chunks: Uint8Array[]): { toString(encoding?: string): string } {
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { toString: () => new TextDecoder().decode(joined) };
  },
};

export const Buffer: typeof joinChunks = (globalThis as { Buffer?: typeof joinChunks }).Buffer ?? joinChunks;
