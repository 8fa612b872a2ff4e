// Bundles src/ into the folder Quarkus serves as /assets (OUT_DIR, set by the Maven build).
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = process.env.OUT_DIR || path.join(here, '..', 'target', 'classes', 'META-INF', 'resources', 'assets');

await esbuild.build({
  entryPoints: { app: path.join(here, 'src', 'main.js'), style: path.join(here, 'src', 'style.css') },
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ['es2020'],
  outdir,
  logLevel: 'info',
});
