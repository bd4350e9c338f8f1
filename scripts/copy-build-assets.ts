// `npm run build`, second half: tsc emits only JavaScript, so the files the code reads next to
// itself (migrations, the local console's page) and from the repository root (message
// templates, the sample workspace local mode deploys) are copied beside it in dist/.
import { cp } from 'node:fs/promises';

const copies: [string, string][] = [
  ['src/infra/db/migrations', 'dist/src/infra/db/migrations'],
  ['src/infra/local/public', 'dist/src/infra/local/public'],
  ['templates', 'dist/templates'],
  ['examples', 'dist/examples'],
];

for (const [from, to] of copies) {
  await cp(from, to, { recursive: true });
}
console.log(`copied ${copies.map(([from]) => from).join(', ')} into dist/`);
