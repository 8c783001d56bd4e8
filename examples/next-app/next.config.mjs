/** @type {import('next').NextConfig} */
const nextConfig = {
  // The workspace root: keyward's packages are symlinked from there.
  turbopack: { root: new URL('../..', import.meta.url).pathname },
};

export default nextConfig;
