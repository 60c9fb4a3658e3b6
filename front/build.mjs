// Builds the light front end into the workshop template's static folder:
//   npm ci && npm run build
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const out = '../coproduction_kit/server/jupyter/voila/templates/workshop/static';
const result = await build({
  entryPoints: { 'light-front': 'src/index.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outdir: out,
  legalComments: 'linked',
  metafile: true,
  loader: { '.svg': 'dataurl', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.eot': 'empty' },
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  plugins: [{
    // ipywidgets' description sanitizer is replaced by the manager's own (src/manager.js).
    name: 'no-sanitize-html',
    setup(b) {
      b.onResolve({ filter: /^sanitize-html$/ }, () => ({ path: new URL('./src/no-sanitize-html.js', import.meta.url).pathname }));
    },
  }],
});
for (const file of Object.keys(result.metafile.outputs)) {
  const bytes = readFileSync(file);
  console.log(`${file}: ${bytes.length} bytes, ${gzipSync(bytes, { level: 6 }).length} gzipped`);
}

// What the bundle was built from: a digest of this folder's sources, beside the bundle.
// tests/unit/test_light_front_sources.py computes the same digest and fails when the sources have
// changed since the bundle was last built (rebuild: npm ci && npm run build).
const sources = ['package.json', 'package-lock.json', 'build.mjs',
  ...readdirSync('src', { recursive: true }).map((name) => `src/${name}`)].sort();
const digest = createHash('sha256');
for (const name of sources) {
  digest.update(`${name}\n${createHash('sha256').update(readFileSync(name)).digest('hex')}\n`);
}
writeFileSync(`${out}/light-front.sources`, `sha256 ${digest.digest('hex')}\n`);
