// Comunica (@comunica/query-sparql) against a SPARQL endpoint, as a researcher's script uses it:
//   node comunica-query.mjs ENDPOINT select|construct QUERY
// prints one JSON object per binding (variable -> term value) or per quad (s, p, o), one a line.
import { QueryEngine } from "@comunica/query-sparql";

const [endpoint, kind, query] = process.argv.slice(2);
const engine = new QueryEngine();
const context = { sources: [{ type: "sparql", value: endpoint }] };
if (kind === "select") {
  const stream = await engine.queryBindings(query, context);
  for (const binding of await stream.toArray()) {
    const row = {};
    for (const [variable, term] of binding) row[variable.value] = term.value;
    console.log(JSON.stringify(row));
  }
} else {
  const stream = await engine.queryQuads(query, context);
  for (const quad of await stream.toArray()) {
    console.log(JSON.stringify({ s: quad.subject.value, p: quad.predicate.value, o: quad.object.value }));
  }
}
