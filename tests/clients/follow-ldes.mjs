// Follow an LDES with the reference client (npm ldes-client) from its start, then live, and
// print each member it emits as one JSON line: {"id": ..., "timestamp": ...}. Ends after
// EXPECTED members or TIMEOUT seconds, whichever comes first.
//   node follow-ldes.mjs URL EXPECTED TIMEOUT
import { replicateLDES, intoConfig } from 'ldes-client';

const [url, expected, timeout] = process.argv.slice(2);
const client = replicateLDES(intoConfig({ url, polling: true, pollInterval: 300, noShape: true }));
const reader = client.stream({ highWaterMark: 10 }).getReader();
let count = 0;
const timer = setTimeout(() => process.exit(0), Number(timeout) * 1000);
while (count < Number(expected)) {
  const { value, done } = await reader.read();
  if (done) break;
  count += 1;
  process.stdout.write(JSON.stringify({ id: value.id.value, timestamp: String(value.timestamp ?? '') }) + '\n');
}
clearTimeout(timer);
process.exit(0);
