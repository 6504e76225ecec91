/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Dev only: the jam-server the page talks to (default: port 3001 on the page's host). */
  readonly VITE_JAM_SERVER_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
