// Minimal direct onnxruntime-node KV-cache loop (no slmbench code): prefill once, then one token per step
// feeding present.* back as past_key_values.*; greedy argmax. fp32 models with standard decoder I/O.
// argv: model.onnx threads promptIdsJson genTokens repetitions warmups [warmupSeconds]
import * as ort from 'onnxruntime-node';

const [file, threads, promptJson, gen, reps, warmups, warmupSeconds = '0'] = process.argv.slice(2);
const prompt = JSON.parse(promptJson);
const genTokens = Number(gen);
const session = await ort.InferenceSession.create(file, { intraOpNumThreads: Number(threads), interOpNumThreads: 1, graphOptimizationLevel: 'all' });
const pastNames = session.inputNames.filter((n) => n.startsWith('past_key_values.'));
const meta = Object.fromEntries(session.inputMetadata.map((m) => [m.name, m]));
const ids = (a) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
const decodeTps = [];
// Warm up for `warmups` runs and at least `warmupSeconds`, as the harness does (measure.warmupSeconds).
const warmupUntil = performance.now() + Number(warmupSeconds) * 1000;
let warmed = 0;
while (decodeTps.length < Number(reps)) {
  const measuring = warmed >= Number(warmups) && performance.now() >= warmupUntil;
  let past = Object.fromEntries(pastNames.map((n) => {
    const s = meta[n].shape;
    return [n, new ort.Tensor('float32', new Float32Array(0), [1, s[1], 0, s[3]])];
  }));
  let tokens = prompt;
  let length = 0;
  const times = [];
  for (let step = 0; step < genTokens; step++) {
    const total = length + tokens.length;
    const feeds = {
      input_ids: ids(tokens),
      attention_mask: ids(new Array(total).fill(1)),
      position_ids: ids(tokens.map((_, i) => length + i)),
      ...past,
    };
    const out = await session.run(feeds);
    const logits = out.logits;
    const vocab = logits.dims[2];
    const offset = (tokens.length - 1) * vocab;
    let best = 0;
    for (let i = 1; i < vocab; i++) if (logits.data[offset + i] > logits.data[offset + best]) best = i;
    times.push(performance.now());
    past = Object.fromEntries(pastNames.map((n) => [n, out[n.replace('past_key_values', 'present')]]));
    length = total;
    tokens = [best];
  }
  if (measuring) decodeTps.push(((times.length - 1) / (times[times.length - 1] - times[0])) * 1000);
  else warmed++;
}
process.stdout.write(`${JSON.stringify({ decodeTps })}\n`);
process.exit(0);
