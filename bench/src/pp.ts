import { fork } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
const [fw, st, path] = process.argv.slice(2);
const child = fork('src/http/server.ts', [fw!, st!, '1000', '/tmp'], { execArgv: ['--import', 'tsx', '--cpu-prof', '--cpu-prof-dir=/tmp/prof'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [m] = (await once(child, 'message')) as any;
const r = await autocannon({ url: `http://127.0.0.1:${m.port}`, connections: 32, pipelining: 4, duration: 5, requests: m.tokens.map((t: string) => ({ method: 'GET', path: `/${path}/orgs/org_0/ping`, headers: { authorization: `Bearer ${t}` } })) });
console.log(path, r.requests.total / 5, r.non2xx);
child.disconnect(); await once(child, 'exit');
