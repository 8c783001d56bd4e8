import { createFetchGuard } from '@keyward/fetch';
import { keyward } from '../../../../../lib/keyward';

type Params = { projectId: string };

const guard = createFetchGuard<Params>({ keyward, project: (_request, params) => params.projectId });

// Runs only with a token valid for this project; anything else gets the guard's 401/403/503.
export const GET = guard.withToken(async (_request, token, { params }: { params: Promise<Params> }) => {
  const { projectId } = await params;
  return Response.json({ projectId, builds: [], calledBy: token.name });
});
