import { createFetchManagement } from '@keyward/fetch';
import { keyward, sessionActor } from '../../../../lib/keyward';

// Every token management route under /api/settings, one handler for each method the API answers
// (a method not exported here would get Next.js's own 405: PATCH renames, the UI's Rename uses it).
const handle = createFetchManagement({ keyward, basePath: '/api/settings', getActor: sessionActor });

export { handle as DELETE, handle as GET, handle as PATCH, handle as POST };
