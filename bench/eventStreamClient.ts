/**
 * A connected "page" in a process of its own, for `weak-notify-inspect-vs-plain`:
 *   node --import tsx bench/eventStreamClient.ts <events url>
 * reads the inspector's live feed with `readEventStream` (parsing every
 * batch, as a page does) and prints one line per batch, `<decisions> <batches>`
 * (the running totals); it exits when its stdin closes.
 */
import { readEventStream } from './readEventStream.js';

const url = process.argv[2];
if (url === undefined) {
  process.stderr.write('usage: node --import tsx bench/eventStreamClient.ts <events url>\n');
  process.exit(2);
}
const stream = await readEventStream(url);
let printed = -1;
const timer = setInterval(() => {
  if (stream.batches() === printed) return;
  printed = stream.batches();
  process.stdout.write(`${stream.counts.get('podmesh.decision') ?? 0} ${printed}\n`);
}, 5);
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => {
  clearInterval(timer);
  void stream.close().then(() => process.exit(0));
});
