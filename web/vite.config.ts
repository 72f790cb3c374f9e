import { defineConfig } from 'vite';

// Asset names carry an 8-hex-digit content hash: the server marks URLs with
// such a word immutable (as the original's WhiteNoise rule does), so the page
// is cached for good and a new build changes every name.
// `npm run dev` serves the sources with live reload and sends the API and
// contribute.json to a running `buildhub serve` (BUILDHUB_API, default
// http://127.0.0.1:8000).
const api = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.BUILDHUB_API || 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/',
  server: {
    proxy: { '/api': api, '/contribute.json': api },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    rollupOptions: {
      output: {
        hashCharacters: 'hex',
        entryFileNames: 'assets/[name]-[hash:8].js',
        chunkFileNames: 'assets/[name]-[hash:8].js',
        assetFileNames: 'assets/[name]-[hash:8][extname]',
      },
    },
  },
});
