import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Paths are resolved from this file's directory, so `vite build` behaves the
// same whatever the current working directory is.
const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  // Django serves frontend/dist under STATIC_URL ("/static/"), and django-vite
  // reads the manifest to map "src/main.ts" to its hashed file.
  base: "/static/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    manifest: true, // -> dist/.vite/manifest.json
    // Vite 8 bundles with Rolldown; `rollupOptions` is only a deprecated alias.
    rolldownOptions: {
      input: { main: fileURLToPath(new URL("src/main.ts", import.meta.url)) },
    },
  },
  // The dev server serves nothing outside frontend/ (not var/ or .env).
  server: { fs: { allow: [here] } },
  test: {
    environment: "happy-dom",
    include: ["tests/**/*.test.ts"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
