// Builds the inspector page (src/inspector/page/) into dist/inspector/page/: one ESM bundle
// (elkjs's bundled build included, so the page needs nothing from the network), its source map,
// index.html and app.css. Run by `npm run build` after tsc; type-checking is tsconfig.page.json's.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/inspector/page');
const out = join(root, 'dist/inspector/page');

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(source, 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css']) copyFileSync(join(source, file), join(out, file));
