import { defineConfig } from 'vite';

// Asset names carry an 8-hex-digit content hash: the server marks URLs with
// such a word immutable (as the original's WhiteNoise rule does), so the page
// is cached for good and a new build changes every name.
export default defineConfig({
  base: '/',
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
