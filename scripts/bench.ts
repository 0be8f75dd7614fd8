/**
 * `npm run bench -- <suite> [options]`: speed figures printed, never asserted. Suites live in
 * scripts/bench/<suite>.ts; with no suite, `workflow` runs.
 */
const SUITES = ['workflow', 'evaluation', 'panels', 'diagnostics'] as const;

const [first, ...rest] = process.argv.slice(2);
const suite = first && !first.startsWith('-') ? first : 'workflow';
if (!(SUITES as readonly string[]).includes(suite)) {
  console.error(`Unknown benchmark "${suite}"; choose one of: ${SUITES.join(', ')}.`);
  process.exit(1);
}
process.argv = [process.argv[0] as string, process.argv[1] as string, ...(first && !first.startsWith('-') ? rest : process.argv.slice(2))];
await import(`./bench/${suite}.ts`);
