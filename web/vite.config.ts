import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run build` writes web/dist, which jam-server serves at `/`. `npm run dev` serves the page on
// :5173 and the page talks to a jam-server on :3001 (allowed by the server's default CORS origins).
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true },
});
