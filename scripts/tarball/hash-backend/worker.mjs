// A Worker: answers any request with the probe's lines.
import * as core from '@keyward/core';
import probeModule from './probe.cjs';

export default {
  async fetch() {
    return Response.json(await probeModule.probe(core));
  },
};
