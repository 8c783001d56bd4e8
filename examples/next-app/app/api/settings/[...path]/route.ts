import { createFetchManagement } from '@keyward/fetch';
import { keyward, sessionActor } from '../../../../lib/keyward';

// The settings page's API: GET/POST /api/settings/tokens, DELETE /api/settings/tokens/:id…
const handle = createFetchManagement({ keyward, basePath: '/api/settings', getActor: sessionActor });

export { handle as DELETE, handle as GET, handle as POST };
