// CommonJS: prints the probe's lines, then the loaded files that hold @noble/hashes code (the CJS
// build carries its own copy of noble, inside the portable backend only).
const { readFileSync } = require('node:fs');
const core = require('@keyward/core');
const { probe } = require('./probe.cjs');

probe(core).then((lines) => {
  const noble = Object.keys(require.cache).filter((file) => file.includes('node_modules') && readFileSync(file, 'utf8').includes('/@noble/hashes/'));
  console.log([...lines, `noble code loaded: ${noble.map((file) => file.slice(file.indexOf('@keyward/core/'))).join(', ') || 'none'}`].join('\n'));
});
