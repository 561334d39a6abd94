import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The app is served by the `passport` binary (src/api/web.rs): index.html for every app path and
// the hashed files under /assets/. `npm run dev` proxies the API to a `passport dev` on :8000.
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // Inline nothing as data: URLs beyond tiny icons; fonts and images stay our own files.
    assetsInlineLimit: 2048,
    chunkSizeWarningLimit: 1600,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      // The outbox page is ours; only its JSON comes from the server.
      '/dev/outbox': {
        target: 'http://127.0.0.1:8000',
        bypass: (req) => (req.headers.accept?.includes('application/json') ? undefined : '/index.html'),
      },
    },
  },
})
