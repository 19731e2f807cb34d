// RDFC-1.0 canonical N-Quads by Digital Bazaar's rdf-canonize (the reference JavaScript
// implementation), so the suite can compare imvokg's canonical form with it.
// Reads a JSON array of N-Quads documents on standard input; writes a JSON array of their
// canonical forms (or {"error": ...} for one that fails).
import canonize from 'rdf-canonize';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const inputs = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const outputs = [];
for (const input of inputs) {
  try {
    outputs.push(await canonize.canonize(input, {
      algorithm: 'RDFC-1.0', inputFormat: 'application/n-quads', format: 'application/n-quads',
      maxWorkFactor: 3, // the suite's symmetric graphs need more than the default guard allows
    }));
  } catch (error) {
    outputs.push({error: String(error)});
  }
}
process.stdout.write(JSON.stringify(outputs));
