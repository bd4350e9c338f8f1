// `npm run build`, second half: tsc emits only JavaScript, so the files the code reads next to
// itself (migrations, the local console's page) and from the repository root (message
// templates, the sample workspace local mode deploys) are copied beside it in dist/.
import { cp } from 'node:fs/promises';

// The output directory: dist/ unless given (the build test compiles into a directory of its own).
const out = process.argv[2] ?? 'dist';
const copies: [string, string][] = [
  ['src/infra/db/migrations', `${out}/src/infra/db/migrations`],
  ['src/infra/local/public', `${out}/src/infra/local/public`],
  ['templates', `${out}/templates`],
  ['examples', `${out}/examples`],
];

for (const [from, to] of copies) {
  await cp(from, to, { recursive: true });
}
console.log(`copied ${copies.map(([from]) => from).join(', ')} into ${out}/`);
