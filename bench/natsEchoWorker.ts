/**
 * The trivial responder of `nats-notices-4-senders-vs-request-reply`, a
 * process shaped like the pod's (its own process, one connection):
 *   node --import tsx bench/natsEchoWorker.ts <nats url> <subject> <reply json>
 *
 * Answers every request on `subject` with the same bytes, the ones a pod
 * answers a notify with, and does nothing else: what the pod does beyond this
 * is the cost being measured. Prints `{"ready":true}` once subscribed; exits
 * when stdin closes or on SIGTERM.
 */
import { connect } from '@nats-io/transport-node';

const [url, subject, reply] = process.argv.slice(2);
if (url === undefined || subject === undefined || reply === undefined) {
  process.stderr.write('usage: natsEchoWorker.ts <nats url> <subject> <reply json>\n');
  process.exit(2);
}
const nc = await connect({ servers: url, name: 'podmesh-bench-echo' });
const answer = new TextEncoder().encode(reply);
nc.subscribe(subject, { callback: (error, msg) => (error === null ? void msg.respond(answer) : undefined) });
await nc.flush();
const quit = (): void => void nc.close().then(() => process.exit(0));
process.stdin.on('end', quit).resume();
process.once('SIGTERM', quit);
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
