// Entry for workerd: the report is the answer to any request.
import { runSuite } from './suite.js';

export default {
  async fetch(): Promise<Response> {
    return Response.json(await runSuite());
  },
};
