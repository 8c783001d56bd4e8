// `npx -y pnpm@12.4.2 pack-all <folder>`: every public package, built, packed into <folder> as
// npm would download it (README, Install). Then `npm i <folder>/keyward-core-<version>.tgz …` in
// your app installs them; the tarball test runs exactly that.
import { resolve } from 'node:path';
import { packAll } from './tarball/scratch.js';

const [dest, ...rest] = process.argv.slice(2);
if (!dest || rest.length > 0) {
  console.error('usage: npx -y pnpm@12.4.2 pack-all <folder>   (after npx -y pnpm@12.4.2 build)');
  process.exit(1);
}
const tarballs = await packAll(resolve(dest));
for (const path of Object.values(tarballs)) console.log(path);
