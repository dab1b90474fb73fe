/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `QUARRY_UI_OUT` lets the Rust build put the bundle in its own output folder.
const server = process.env.QUARRY_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: process.env.QUARRY_UI_OUT ?? 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // Hashed file names under /assets: served with an immutable cache lifetime.
    assetsDir: 'assets',
  },
  server: {
    proxy: {
      '/api': { target: server, ws: false },
      '/pamirs': server,
      '/ws': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    testTimeout: 60_000,
  },
});
