// Section 1's writer: updates each of its pods' records in a loop, one loop
// per pod at once (so a kill can find several locks held). It first writes
// each pod once and reports how long that took: after a crash this is the
// wait for the killed holder's lock. Prints `w <pod> <seq>` after each write
// that completed (what the parent may count on), `recovered <ms>` after the
// first round. Mode `once` stops after the first round.
// usage: node recordWriter.mjs <storeDir> <pod,pod,...> <loop|once> <seed>
import { createFsPodStore } from '../../dist/actors/stores/createFsPodStore.js';
import { createRandom, fail, out } from './workerIo.mjs';

const [dir, podList, mode, seed] = process.argv.slice(2);
const store = createFsPodStore(dir);
const pods = podList.split(',');
const random = createRandom(Number(seed));

// Records of varying size, so a torn write would show as a short or mixed file.
const bumped = (record) => {
  const seq = (typeof record.seq === 'number' ? record.seq : 0) + 1;
  const payload = String.fromCharCode(97 + (seq % 26)).repeat(Math.floor(random() * 8192));
  return { ...record, seq, payload, peers: seq % 3 === 0 ? [] : [`peer-${seq % 5}`] };
};

async function write(pod) {
  const record = await store.update(pod, bumped);
  out(`w ${pod} ${record.seq}`);
}

try {
  const started = performance.now();
  const waits = await Promise.all(
    pods.map(async (pod) => {
      await write(pod);
      return performance.now() - started;
    }),
  );
  out(`recovered ${Math.round(Math.max(...waits))}`);
} catch (error) {
  fail(error);
}
if (mode === 'once') process.exit(0);
for (const pod of pods) {
  void (async () => {
    for (;;) await write(pod);
  })().catch(fail);
}
